// Quadlet files: systemd's unit syntax (sections, continuation lines, quoting, repeated keys) and the
// service units generated from .container, .volume and .network files.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {UnitFile, UnitFileError, commandLine, splitWords} from '../../src/quadlet/unit-file';
import {generateUnits, type QuadletSource, type SourceKind} from '../../src/quadlet/quadlet';
import {generate, unitDirs, writeUnits} from '../../src/quadlet/generator-main';
import {caughtAs, putFile} from '../support/fixtures';

const src = (file: string, text: string): QuadletSource => {
  const kind = path.extname(file).slice(1) as SourceKind;
  return {name: path.basename(file, `.${kind}`), kind, path: `/q/${file}`, unit: UnitFile.parse(text, `/q/${file}`)};
};
const BIN = '/opt/burrow/bin/burrow';
const line = (text: string, key: string) => text.split('\n').find((l) => l.startsWith(`${key}=`))?.slice(key.length + 1);

describe('unit: quadlet/unit-file', () => {
  it('reads sections, comments, continuation lines and repeated keys; an empty value resets the list', () => {
    const u = UnitFile.parse([
      '# comment', '; also a comment', '[Unit]', 'Description = a demo ', '',
      '[Container]', 'Exec=sh -c \\', '# skipped inside a continuation', '  "echo hi"', 'Environment=A=1', 'Environment=', 'Environment=B=2', 'Environment=C=3',
      '[Unit]', 'After=x.service',
    ].join('\n'), 'f.container');
    expect(u.last('Unit', 'Description')).to.equal('a demo');
    expect(u.all('Unit', 'After')).to.deep.equal(['x.service']);
    expect(u.words('Container', 'Exec')).to.deep.equal(['sh', '-c', 'echo hi']);
    expect(u.all('Container', 'Environment')).to.deep.equal(['B=2', 'C=3']);
    expect(u.sections.map((s) => s.name)).to.deep.equal(['Unit', 'Container']);
    expect(u.section('Container')!.entries[0].line).to.equal(7);
  });

  it('splits words as systemd does: both quotes, C escapes, adjacent quoted parts', () => {
    expect(splitWords(`a "b c" 'd e' f\\ g "x\\"y" \\x41 pre"mid"post`)).to.deep.equal(['a', 'b c', 'd e', 'f g', 'x"y', 'A', 'premidpost']);
    expect(splitWords('  ')).to.deep.equal([]);
    expect(() => splitWords('"open')).to.throw(/unbalanced quote/);
  });

  it('quotes words so systemd reads them back unchanged, keeping specifiers and $VARS', () => {
    const words = ['/bin/x', 'two words', 'q"uote', 'back\\slash', '%t/%N.cid', '$HOME', ''];
    const text = commandLine(words);
    expect(text).to.contain('%t/%N.cid').and.contain('$HOME');
    expect(splitWords(text)).to.deep.equal(words);
  });

  it('malformed lines name the file and line', () => {
    const e = caughtAs(UnitFileError, () => UnitFile.parse('[Container]\nImage=x\nno equals sign', 'bad.container'));
    expect(e.message).to.equal('bad.container:3: expected KEY=VALUE, found "no equals sign"');
    expect(caughtAs(UnitFileError, () => UnitFile.parse('Image=x', 'b.container')).message).to.contain('before any [Section]');
    expect(caughtAs(UnitFileError, () => UnitFile.parse('[Container]\nReadOnly=maybe', 'b.container').bool('Container', 'ReadOnly')).message).to.contain('b.container:2');
  });
});

describe('unit: quadlet/quadlet', () => {
  const web = src('web.container', [
    '[Unit]', 'Description=web', '[Container]', 'Image=localhost/demo', 'Exec=httpd -f "-p" 8080',
    'Environment=A=1 "B=two words"', 'PublishPort=8080:80', 'PublishPort=8443:443', 'Volume=data.volume:/data:Z', 'Volume=/srv:/srv:ro',
    'Network=back.network', 'User=app', 'Group=staff', 'Label=a=1 b=2', 'ReadOnly=true', 'AddCapability=NET_ADMIN SYS_TIME', 'DropCapability=ALL',
    'HealthCmd=test -e /ok', 'HealthInterval=10s', 'HealthOnFailure=kill', 'WorkingDir=/srv', 'Entrypoint=/bin/sh', 'Tmpfs=/run',
    'PodmanArgs=--stop-signal SIGINT', 'GlobalArgs=--runroot /tmp/rr', 'Bogus=1',
    '[Service]', 'Restart=always', '[Install]', 'WantedBy=default.target multi-user.target',
  ].join('\n'));
  const data = src('data.volume', '[Volume]\nLabel=k=v\n');
  const back = src('back.network', '[Network]\nNetworkName=backnet\nSubnet=10.89.7.0/24\nInternal=yes\n');

  it('a .container becomes a notify service that runs, and removes by cid file, the container', () => {
    const r = generateUnits([web, data, back], BIN);
    expect(r.errors).to.deep.equal([]);
    const unit = r.units.find((u) => u.fileName === 'web.service')!;
    const start = splitWords(line(unit.text, 'ExecStart')!);
    expect(start.slice(0, 13)).to.deep.equal([BIN, '--runroot', '/tmp/rr', 'run', '--name', 'systemd-%N', '--cidfile=%t/%N.cid', '--replace', '--rm', '-d', '--sdnotify=conmon', '--publish', '8080:80']);
    const pairs = (flag: string) => start.flatMap((w, i) => (w === flag ? [start[i + 1]] : []));
    expect(pairs('--publish')).to.deep.equal(['8080:80', '8443:443']);
    expect(pairs('--env')).to.deep.equal(['A=1', 'B=two words']);
    expect(pairs('--label')).to.deep.equal(['a=1', 'b=2']);
    expect(pairs('--cap-add')).to.deep.equal(['NET_ADMIN', 'SYS_TIME']);
    expect(pairs('--user')).to.deep.equal(['app:staff']);
    expect(pairs('-v')).to.deep.equal(['systemd-data:/data:Z', '/srv:/srv:ro']);
    expect(pairs('--network')).to.deep.equal(['backnet']);
    expect(pairs('--health-cmd')).to.deep.equal(['test -e /ok']);
    expect(start).to.include('--read-only');
    expect(start.slice(-7)).to.deep.equal(['--stop-signal', 'SIGINT', 'localhost/demo', 'httpd', '-f', '-p', '8080']);
    expect(line(unit.text, 'ExecStop')).to.equal(`${BIN} --runroot /tmp/rr rm -v -f -i --cidfile=%t/%N.cid`);
    expect(line(unit.text, 'ExecStopPost')).to.equal(`-${BIN} --runroot /tmp/rr rm -v -f -i --cidfile=%t/%N.cid`);
    for (const kv of ['Type=notify', 'NotifyAccess=all', 'KillMode=mixed', 'SyslogIdentifier=%N', 'Restart=always', 'Description=web', 'SourcePath=/q/web.container']) {
      expect(unit.text.split('\n')).to.include(kv);
    }
    expect(unit.text.split('\n').filter((l) => /^(Requires|After)=/.test(l))).to.deep.equal([
      'Requires=data-volume.service', 'After=data-volume.service', 'Requires=back-network.service', 'After=back-network.service']);
    expect(unit.wantedBy).to.deep.equal(['default.target', 'multi-user.target']);
    expect(unit.text.trimEnd().split('\n').slice(-2)).to.deep.equal(['[Install]', 'WantedBy=default.target multi-user.target']);
  });

  it('unknown keys are warnings naming file and line; a missing Image or volume source is an error for that file only', () => {
    const r = generateUnits([web, data, back, src('broken.container', '[Container]\nExec=true\n'), src('orphan.container', '[Container]\nImage=x\nVolume=nope.volume:/x\n')], BIN);
    expect(r.warnings).to.deep.equal([{file: '/q/web.container', line: 26, message: 'unknown key "Bogus" in [Container], ignored'}]);
    expect(r.errors.map((e) => `${e.file}: ${e.message}`)).to.deep.equal([
      '/q/broken.container: no Image= key in [Container]',
      '/q/orphan.container: nope.volume is used by orphan.container but no nope.volume file was found',
    ]);
    expect(r.units.map((u) => u.fileName)).to.deep.equal(['web.service', 'data-volume.service', 'back-network.service']);
  });

  it('.volume and .network become oneshot units that create the resource, tolerating that it exists', () => {
    const r = generateUnits([data, back], BIN);
    const vol = r.units[0].text;
    expect(splitWords(line(vol, 'ExecStart')!)).to.deep.equal([BIN, 'volume', 'create', '--ignore', '--label', 'k=v', 'systemd-data']);
    expect(vol).to.contain('Type=oneshot\nRemainAfterExit=yes\n');
    expect(splitWords(line(r.units[1].text, 'ExecStart')!)).to.deep.equal([BIN, 'network', 'create', '--ignore', '--subnet', '10.89.7.0/24', '--internal', 'backnet']);
  });

  it('Notify= picks who signals readiness; ContainerName replaces systemd-%N', () => {
    const exec = (extra: string) => splitWords(line(generateUnits([src('n.container', `[Container]\nImage=x\n${extra}`)], BIN).units[0].text, 'ExecStart')!);
    expect(exec('Notify=true')).to.include('--sdnotify=container');
    expect(exec('Notify=healthy')).to.include('--sdnotify=healthy');
    expect(exec('Notify=false')).to.include('--sdnotify=conmon');
    expect(exec('ContainerName=custom').slice(2, 4)).to.deep.equal(['--name', 'custom']);
  });
});

describe('unit: quadlet/generator-main', () => {
  it('looks in burrow\'s and Podman\'s user dirs (or QUADLET_UNIT_DIRS); the first file of a name wins', () => {
    expect(unitDirs({HOME: '/home/u'})).to.deep.equal(['/home/u/.config/burrow/systemd', '/home/u/.config/containers/systemd']);
    expect(unitDirs({XDG_CONFIG_HOME: '/cfg', HOME: '/home/u'})[1]).to.equal('/cfg/containers/systemd');
    expect(unitDirs({QUADLET_UNIT_DIRS: '/a:/b', HOME: '/home/u'})).to.deep.equal(['/a', '/b']);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-'));
    try {
      putFile(path.join(tmp, 'one', 'app.container'), '[Container]\nImage=first\n');
      putFile(path.join(tmp, 'two', 'app.container'), '[Container]\nImage=second\n');
      putFile(path.join(tmp, 'two', 'bad.network'), 'junk line\n');
      putFile(path.join(tmp, 'two', 'notes.txt'), 'ignored');
      const r = generate([path.join(tmp, 'one'), path.join(tmp, 'two')], BIN);
      expect(r.units.map((u) => u.fileName)).to.deep.equal(['app.service']);
      expect(line(r.units[0].text, 'ExecStart')).to.match(/ first$/);
      expect(r.errors).to.have.length(1);
      expect(r.errors[0]).to.include({file: path.join(tmp, 'two', 'bad.network'), line: 1});
      const out = path.join(tmp, 'out');
      writeUnits(generateUnits([src('w.container', '[Container]\nImage=x\n[Install]\nWantedBy=default.target\nRequiredBy=foo.target\n')], BIN), out);
      expect(fs.readlinkSync(path.join(out, 'default.target.wants', 'w.service'))).to.equal('../w.service');
      expect(fs.readlinkSync(path.join(out, 'foo.target.requires', 'w.service'))).to.equal('../w.service');
      expect(fs.readFileSync(path.join(out, 'w.service'), 'utf8')).to.contain('[Service]');
    } finally {
      fs.rmSync(tmp, {recursive: true, force: true});
    }
  });
});
