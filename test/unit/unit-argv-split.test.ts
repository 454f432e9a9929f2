// `burrow run [flags] IMAGE [COMMAND...]`: where burrow's flags end and the container's command begins.
import {expect} from 'chai';
import {flagShape, splitRunArgv} from '../../src/cli/argv-split';
import {containerCreateFlags} from '../../src/cli/container-flags';

// The flags of `burrow run`: the shared create flags, -d, and the global options.
const shape = flagShape({
  ...containerCreateFlags,
  detach: {type: 'boolean', char: 'd'},
  root: {type: 'option'},
  runroot: {type: 'option'},
  'log-level': {type: 'option'},
} as never);

const split = (line: string) => splitRunArgv(line.split(' ').filter(Boolean), shape);

describe('unit: cli/argv-split flagShape', () => {
  it('records value-taking long names, aliases and chars, and boolean chars', () => {
    const s = flagShape({
      env: {type: 'option', char: 'e'},
      network: {type: 'option', aliases: ['net']},
      rm: {type: 'boolean'},
      detach: {type: 'boolean', char: 'd'},
    });
    expect([...s.valued].sort()).to.deep.equal(['e', 'env', 'net', 'network']);
    expect([...s.booleanShort]).to.deep.equal(['d']);
  });
});

describe('unit: cli/argv-split splitRunArgv', () => {
  it('run --rm demo ls -l: the command keeps its own flags', () => {
    expect(split('--rm demo ls -l')).to.deep.equal({head: ['--rm', 'demo'], command: ['ls', '-l']});
  });

  it('run -e A=1 demo: a value-taking short flag consumes its value', () => {
    expect(split('-e A=1 demo')).to.deep.equal({head: ['-e', 'A=1', 'demo'], command: []});
    expect(split('-w /tmp -u 1000 demo id')).to.deep.equal({head: ['-w', '/tmp', '-u', '1000', 'demo'], command: ['id']});
  });

  it('a value-taking long flag consumes its value, also through an alias', () => {
    expect(split('--name web --net none demo sh')).to.deep.equal({head: ['--name', 'web', '--net', 'none', 'demo'], command: ['sh']});
    expect(split('--env A=1 demo')).to.deep.equal({head: ['--env', 'A=1', 'demo'], command: []});
  });

  it('run --name=x demo: an inline value consumes nothing more', () => {
    expect(split('--name=x demo')).to.deep.equal({head: ['--name=x', 'demo'], command: []});
    expect(split('--name=x demo echo hi')).to.deep.equal({head: ['--name=x', 'demo'], command: ['echo', 'hi']});
  });

  it('a flag value that looks like an image or a flag is still the value', () => {
    expect(split('--name demo other cmd')).to.deep.equal({head: ['--name', 'demo', 'other'], command: ['cmd']});
    expect(split('-e -x demo')).to.deep.equal({head: ['-e', '-x', 'demo'], command: []});
  });

  it('run -dt demo: grouped booleans are expanded', () => {
    expect(split('-dt demo')).to.deep.equal({head: ['-d', '-t', 'demo'], command: []});
    expect(split('-dit demo sh')).to.deep.equal({head: ['-d', '-i', '-t', 'demo'], command: ['sh']});
  });

  it('a group may end with a value-taking flag, which then consumes the next word', () => {
    expect(split('-de A=1 demo env')).to.deep.equal({head: ['-d', '-e', 'A=1', 'demo'], command: ['env']});
  });

  it('run -- demo cmd: "--" ends the flags and the next word is the image', () => {
    expect(split('--rm -- demo cmd --flag')).to.deep.equal({head: ['--rm', 'demo'], command: ['cmd', '--flag']});
    expect(split('-- demo')).to.deep.equal({head: ['demo'], command: []});
  });

  it('run demo: no command', () => {
    expect(split('demo')).to.deep.equal({head: ['demo'], command: []});
    expect(split('')).to.deep.equal({head: [], command: []});
  });

  it('boolean long flags do not consume the image', () => {
    expect(split('--rm --read-only --init demo true')).to.deep.equal({head: ['--rm', '--read-only', '--init', 'demo'], command: ['true']});
  });

  it('global options with values are handled like the others', () => {
    expect(split('--root /tmp/store --log-level debug demo ls')).to.deep.equal({head: ['--root', '/tmp/store', '--log-level', 'debug', 'demo'], command: ['ls']});
  });

  it('a value-taking flag at the very end is left for the parser to complain about', () => {
    expect(split('--name')).to.deep.equal({head: ['--name'], command: []});
    expect(split('-e')).to.deep.equal({head: ['-e'], command: []});
  });
});
