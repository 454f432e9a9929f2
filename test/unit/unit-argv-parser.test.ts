import {expect} from 'chai';
import {intFlag, parseCommandLine, type CommandSpec} from '../../src/cli/argv-parser';
import {findCommand} from '../../src/cli/fast-path';
import {InvalidInputError} from '../../src/errors';

const runSpec: CommandSpec = {
  id: 'run',
  strict: false,
  passThrough: 'after-first',
  flags: {
    rm: {name: 'rm', type: 'boolean'},
    detach: {name: 'detach', type: 'boolean', char: 'd'},
    tty: {name: 'tty', type: 'boolean', char: 't'},
    env: {name: 'env', type: 'option', char: 'e', multiple: true},
    name: {name: 'name', type: 'option'},
    network: {name: 'network', type: 'option', aliases: ['net']},
    'stop-timeout': {name: 'stop-timeout', type: 'option', default: 10},
  },
  args: {image: {name: 'image', required: true}, command: {name: 'command'}},
};

describe('unit: cli/argv-parser', () => {
  it('everything after the image is the container command, even flag-like tokens', () => {
    const p = parseCommandLine(runSpec, ['--rm', 'demo', 'ls', '-l', '--rm']);
    expect(p.flags.rm).to.equal(true);
    expect(p.args.image).to.equal('demo');
    expect(p.rest).to.deep.equal(['ls', '-l', '--rm']);
  });

  it('option values: separate, with =, short, attached; repeated flags make lists', () => {
    const p = parseCommandLine(runSpec, ['-e', 'A=1', '--env=B=2', '-eC=3', '--name', 'x', '--net', 'none', 'demo']);
    expect(p.flags.env).to.deep.equal(['A=1', 'B=2', 'C=3']);
    expect(p.flags.name).to.equal('x');
    expect(p.flags.network).to.equal('none');
    expect(p.args.image).to.equal('demo');
    expect(p.rest).to.deep.equal([]);
  });

  it('grouped short booleans, the last of which may take a value', () => {
    const p = parseCommandLine(runSpec, ['-dt', 'demo']);
    expect(p.flags.detach).to.equal(true);
    expect(p.flags.tty).to.equal(true);
    const q = parseCommandLine(runSpec, ['-de', 'A=1', 'demo', 'true']);
    expect(q.flags.env).to.deep.equal(['A=1']);
    expect(q.rest).to.deep.equal(['true']);
  });

  it('defaults: booleans false, options their manifest default', () => {
    const p = parseCommandLine(runSpec, ['demo']);
    expect(p.flags.rm).to.equal(false);
    expect(p.flags['stop-timeout']).to.equal(10);
    expect(p.flags.name).to.equal(undefined);
  });

  it('`--` ends the flags', () => {
    const p = parseCommandLine(runSpec, ['--rm', '--', 'demo', '--rm']);
    expect(p.args.image).to.equal('demo');
    expect(p.rest).to.deep.equal(['--rm']);
  });

  it('usage errors name the problem', () => {
    const err = (argv: string[], spec = runSpec) => {
      try {
        parseCommandLine(spec, argv);
      } catch (e) {
        expect(e).to.be.instanceOf(InvalidInputError);
        return (e as Error).message;
      }
      throw new Error('expected an error');
    };
    expect(err(['--bogus', 'demo'])).to.equal('Nonexistent flag: --bogus');
    expect(err(['-z', 'demo'])).to.equal('Nonexistent flag: -z');
    expect(err([])).to.equal('Missing 1 required arg: image');
    expect(err(['--name'])).to.equal('Flag --name expects a value');
    const typed: CommandSpec = {id: 'inspect', flags: {type: {name: 'type', type: 'option', options: ['all', 'image']}}, args: {}, strict: true};
    expect(err(['--type', 'pod'], typed)).to.equal('Expected --type=pod to be one of: all, image');
    expect(err(['extra'], typed)).to.equal('Unexpected argument: extra');
  });

  it('--no-flag where allowed; passThrough all keeps every token', () => {
    const spec: CommandSpec = {id: 'x', flags: {color: {name: 'color', type: 'boolean', allowNo: true}}, args: {}};
    expect(parseCommandLine(spec, ['--no-color']).flags.color).to.equal(false);
    const un: CommandSpec = {id: 'unshare', flags: {}, args: {}, strict: false, passThrough: 'all'};
    expect(parseCommandLine(un, ['ls', '-l', '--help']).rest).to.deep.equal(['ls', '-l', '--help']);
  });

  it('intFlag accepts integers from strings or numbers and refuses the rest', () => {
    expect(intFlag('10', 'time')).to.equal(10);
    expect(intFlag(3, 'time')).to.equal(3);
    expect(intFlag(undefined, 'time')).to.equal(undefined);
    expect(() => intFlag('ten', 'time')).to.throw(InvalidInputError, '--time expects an integer');
  });

  it('findCommand resolves topics separated by spaces and aliases', () => {
    const commands = {
      run: {id: 'run', aliases: ['container:run'], flags: {}, args: {}},
      'image:inspect': {id: 'image:inspect', flags: {}, args: {}},
    };
    expect(findCommand(commands, ['run', 'demo'])?.cmd.id).to.equal('run');
    expect(findCommand(commands, ['container', 'run', 'demo'])).to.deep.include({typed: 'container:run', consumed: 2});
    expect(findCommand(commands, ['image', 'inspect', 'x'])?.cmd.id).to.equal('image:inspect');
    expect(findCommand(commands, ['--root', 'x'])).to.equal(undefined);
    expect(findCommand(commands, ['nope'])).to.equal(undefined);
  });
});
