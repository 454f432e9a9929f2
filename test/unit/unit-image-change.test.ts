// `--change` instructions applied to an image's runtime config.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {applyChanges} from '../../src/image/image-change';
import type {ImageRuntimeConfig} from '../../src/storage/image-store';

describe('unit: image/image-change applyChanges', () => {
  it('CMD in JSON form is used as the argv', () => {
    expect(applyChanges({}, ['CMD ["ls", "-l", "/tmp dir"]']).Cmd).to.deep.equal(['ls', '-l', '/tmp dir']);
    expect(applyChanges({}, ['CMD=["/bin/true"]']).Cmd).to.deep.equal(['/bin/true']);
  });

  it('CMD in shell form runs through /bin/sh -c', () => {
    expect(applyChanges({}, ['CMD echo $HOME && ls']).Cmd).to.deep.equal(['/bin/sh', '-c', 'echo $HOME && ls']);
    expect(applyChanges({}, ['CMD=/bin/sh']).Cmd).to.deep.equal(['/bin/sh', '-c', '/bin/sh']);
  });

  it('CMD that only looks like JSON falls back to the shell form', () => {
    expect(applyChanges({}, ['CMD [not json']).Cmd).to.deep.equal(['/bin/sh', '-c', '[not json']);
    expect(applyChanges({}, ['CMD [1, 2]']).Cmd).to.deep.equal(['/bin/sh', '-c', '[1, 2]']);
  });

  it('ENTRYPOINT in JSON and shell form', () => {
    expect(applyChanges({}, ['ENTRYPOINT ["/usr/bin/httpd", "-f"]']).Entrypoint).to.deep.equal(['/usr/bin/httpd', '-f']);
    expect(applyChanges({}, ['ENTRYPOINT httpd -f']).Entrypoint).to.deep.equal(['/bin/sh', '-c', 'httpd -f']);
  });

  it('instruction names are case-insensitive and "=" or spaces may separate the value', () => {
    expect(applyChanges({}, ['cmd  ["a"]']).Cmd).to.deep.equal(['a']);
    expect(applyChanges({}, ['  Workdir = /srv']).WorkingDir).to.equal('/srv');
  });

  it('ENV A=1 B=2 sets several variables', () => {
    expect(applyChanges({}, ['ENV A=1 B=2']).Env).to.deep.equal(['A=1', 'B=2']);
  });

  it('ENV A 1 (the legacy form) sets one variable to the rest of the line', () => {
    expect(applyChanges({}, ['ENV A 1']).Env).to.deep.equal(['A=1']);
    expect(applyChanges({}, ['ENV GREETING hello there']).Env).to.deep.equal(['GREETING=hello there']);
  });

  it('ENV replaces an existing variable in place and appends new ones', () => {
    const base: ImageRuntimeConfig = {Env: ['PATH=/usr/bin', 'A=old', 'AB=keep']};
    expect(applyChanges(base, ['ENV A=new C=3']).Env).to.deep.equal(['PATH=/usr/bin', 'A=new', 'AB=keep', 'C=3']);
    expect(base.Env).to.deep.equal(['PATH=/usr/bin', 'A=old', 'AB=keep']);
  });

  it('ENV strips double quotes around a value, including one with spaces', () => {
    expect(applyChanges({}, ['ENV A="quoted"']).Env).to.deep.equal(['A=quoted']);
    expect(applyChanges({}, ['ENV GREETING="hello world" B=2']).Env).to.deep.equal(['GREETING=hello world', 'B=2']);
  });

  it('ENV refuses a word without "=" in the KEY=VALUE form instead of inventing a variable', () => {
    expect(() => applyChanges({}, ['ENV A=hello world'])).to.throw(InvalidInputError);
  });

  it('LABEL merges labels in both forms', () => {
    const out = applyChanges({Labels: {keep: 'yes', version: '0.9'}}, ['LABEL version=1.0 maintainer=me', 'LABEL description A demo image']);
    expect(out.Labels).to.deep.equal({keep: 'yes', version: '1.0', maintainer: 'me', description: 'A demo image'});
  });

  it('LABEL values may be quoted to hold spaces', () => {
    expect(applyChanges({}, ['LABEL description="A demo image" version=2']).Labels).to.deep.equal({description: 'A demo image', version: '2'});
  });

  it('EXPOSE adds /tcp to bare ports and keeps a given protocol', () => {
    const out = applyChanges({ExposedPorts: {'22/tcp': {}}}, ['EXPOSE 80 53/udp', 'EXPOSE 8080']);
    expect(out.ExposedPorts).to.deep.equal({'22/tcp': {}, '80/tcp': {}, '53/udp': {}, '8080/tcp': {}});
  });

  it('WORKDIR, USER and STOPSIGNAL set their field', () => {
    const out = applyChanges({}, ['WORKDIR /srv/app', 'USER app:staff', 'STOPSIGNAL SIGQUIT']);
    expect(out.WorkingDir).to.equal('/srv/app');
    expect(out.User).to.equal('app:staff');
    expect(out.StopSignal).to.equal('SIGQUIT');
  });

  it('VOLUME accepts a JSON array or space-separated paths and merges', () => {
    const out = applyChanges({Volumes: {'/old': {}}}, ['VOLUME ["/data", "/var/log"]', 'VOLUME /cache /tmp/x']);
    expect(out.Volumes).to.deep.equal({'/old': {}, '/data': {}, '/var/log': {}, '/cache': {}, '/tmp/x': {}});
  });

  it('later changes override earlier ones and the input is not modified', () => {
    const base: ImageRuntimeConfig = {Cmd: ['old'], Labels: {a: '1'}, ExposedPorts: {}};
    const out = applyChanges(base, ['CMD ["first"]', 'CMD ["second"]', 'LABEL a=2']);
    expect(out.Cmd).to.deep.equal(['second']);
    expect(out.Labels).to.deep.equal({a: '2'});
    expect(base).to.deep.equal({Cmd: ['old'], Labels: {a: '1'}, ExposedPorts: {}});
  });

  it('no changes give an equal config', () => {
    expect(applyChanges({User: 'x', Env: ['A=1']}, [])).to.deep.equal({User: 'x', Env: ['A=1']});
  });

  it('refuses an unknown instruction, naming it', () => {
    expect(() => applyChanges({}, ['RUN apt-get update'])).to.throw(InvalidInputError, 'invalid change instruction "RUN"');
    expect(() => applyChanges({}, ['FROM=alpine'])).to.throw(InvalidInputError, '"FROM"');
  });

  it('refuses a change that has no value separator', () => {
    expect(() => applyChanges({}, ['CMD'])).to.throw(InvalidInputError, 'invalid change "CMD"');
    expect(() => applyChanges({}, [''])).to.throw(InvalidInputError);
  });
});
