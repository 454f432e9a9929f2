// generate systemd (unit text for both modes, the rewritten create command, quoting), lingering and
// the doctor's lines, and the sd_notify messages.
import {expect} from 'chai';
import {generateUnit, rewriteCreateCommand, systemdQuote, type CreateSyntax} from '../../src/systemd/unit-generator';
import {doctorChecks, lingerStatus} from '../../src/systemd/linger';
import {addNotifySocketToSpec, parseNotifyMessage, parseSdNotifyMode, readyMessage, relayableSocket} from '../../src/runtime/sd-notify';
import {InvalidInputError} from '../../src/errors';
import {caught} from '../support/fixtures';

const syntax: CreateSyntax = {
  valueFlags: new Set(['name', 'env', 'publish', 'restart', 'sdnotify', 'network', 'volume']),
  valueChars: new Set(['e', 'p', 'v']),
  globalValueFlags: new Set(['root', 'runroot']),
};
const ctr = {
  id: 'f'.repeat(64), name: 'web', stopTimeout: 10, conmonPidFile: '/s/containers/fff/userdata/conmon.pid', runroot: '/run/user/1000/burrow',
  storageArgs: ['--root', '/s', '--runroot', '/run/user/1000/burrow'],
  createCommand: ['burrow', '--runroot', '/x', 'run', '-dit', '--rm', '--restart=always', '--name', 'web', '-e', 'A=b c', '-p', '8080:80', 'localhost/nginx', 'nginx', '-g', 'daemon off;'],
};
const opts = {useName: true, newContainer: false, restartPolicy: 'on-failure', containerPrefix: 'container', separator: '-', header: true};
const unfold = (text: string) => text.replace(/ \\\n\t/g, ' ');
const line = (text: string, key: string) => unfold(text).split('\n').find((l) => l.startsWith(`${key}=`));

describe('generate systemd', () => {
  it('an existing container: Type=forking with conmon\'s pid file, start/stop by name, Restart= from the flag', () => {
    const u = generateUnit(ctr, opts, '/opt/burrow/bin/burrow', syntax);
    expect(u.name).to.equal('container-web.service');
    expect(line(u.text, 'ExecStart')).to.equal('ExecStart=/opt/burrow/bin/burrow --root /s --runroot /run/user/1000/burrow start web');
    expect(line(u.text, 'ExecStop')).to.equal('ExecStop=/opt/burrow/bin/burrow --root /s --runroot /run/user/1000/burrow stop -t 10 web');
    expect(line(u.text, 'PIDFile')).to.equal('PIDFile=/s/containers/fff/userdata/conmon.pid');
    expect(u.text).to.match(/^Type=forking$/m);
    expect(u.text).to.match(/^Restart=on-failure$/m);
    expect(u.text).to.match(/^TimeoutStopSec=70$/m);
    expect(u.text).to.match(/^WantedBy=default\.target$/m);
    expect(u.text).to.match(/^# container-web\.service$/m);
  });

  it('--new: Type=notify, run --replace --rm --sdnotify=conmon -d with the create command minus what the unit decides', () => {
    const u = generateUnit(ctr, {...opts, newContainer: true, restartPolicy: 'always', stopTimeout: 5, header: false}, '/b', syntax);
    expect(line(u.text, 'ExecStart')).to.equal('ExecStart=/b --root /s --runroot /run/user/1000/burrow run --replace --rm --sdnotify=conmon -d --name web -it -e "A=b c" -p 8080:80 localhost/nginx nginx -g "daemon off;"');
    expect(line(u.text, 'ExecStop')).to.equal('ExecStop=/b --root /s --runroot /run/user/1000/burrow stop --ignore -t 5 web');
    expect(line(u.text, 'ExecStopPost')).to.equal('ExecStopPost=/b --root /s --runroot /run/user/1000/burrow rm -f --ignore web');
    expect(u.text).to.match(/^Type=notify$/m);
    expect(u.text).to.match(/^NotifyAccess=all$/m);
    expect(u.text).to.match(/^Restart=always$/m);
    expect(u.text).to.match(/^TimeoutStopSec=65$/m);
    expect(u.text).to.not.match(/^#/m);
  });

  it('the id names the unit without --name; prefix and separator are the user\'s', () => {
    const u = generateUnit(ctr, {...opts, useName: false, containerPrefix: 'box', separator: '_'}, '/b', syntax);
    expect(u.name).to.equal(`box_${'f'.repeat(64)}.service`);
    expect(line(u.text, 'ExecStart')).to.match(new RegExp(`start ${'f'.repeat(64)}$`));
  });

  it('refuses a Restart= value systemd does not know', () => {
    const e = caught(() => generateUnit(ctr, {...opts, restartPolicy: 'sometimes'}, '/b', syntax));
    expect(e).to.be.instanceOf(InvalidInputError);
    expect(e.message).to.equal('sometimes is not a valid restart policy');
  });

  it('rewrites create commands: container run, --flag=value, values that look like verbs, -- before the image', () => {
    const r = rewriteCreateCommand({name: 'x', createCommand: ['burrow', 'container', 'create', '--name=old', '-v', '/a:/run', '--sdnotify', 'ignore', '--', 'img', '-d']}, syntax);
    expect(r.flags).to.deep.equal(['--name', 'x', '-v', '/a:/run']);
    expect(r.rest).to.deep.equal(['img', '-d']);
  });

  it('quotes for systemd: specifiers and variables doubled, spaces and quotes inside double quotes', () => {
    expect(systemdQuote('plain/path-1.2')).to.equal('plain/path-1.2');
    expect(systemdQuote('100%')).to.equal('100%%');
    expect(systemdQuote('$HOME')).to.equal('"$$HOME"');
    expect(systemdQuote('say "hi"')).to.equal('"say \\"hi\\""');
  });
});

describe('lingering', () => {
  const files = (...present: string[]) => (p: string) => present.includes(p);

  it('reads /var/lib/systemd/linger/USER and names loginctl enable-linger when it is off', () => {
    const off = lingerStatus({user: 'ann', uid: 1000, exists: files('/run/systemd/system')});
    expect(off.enabled).to.equal(false);
    expect(off.message).to.include('loginctl enable-linger ann');
    expect(off.message).to.include('stop when you log out');
    const on = lingerStatus({user: 'ann', uid: 1000, exists: files('/run/systemd/system', '/var/lib/systemd/linger/ann', '/run/user/1000/systemd/private')});
    expect(on.enabled).to.equal(true);
    expect(on.userManager).to.equal(true);
  });

  it('says so when the host does not run systemd at all', () => {
    const none = lingerStatus({user: 'ann', uid: 1000, exists: files()});
    expect(none.systemd).to.equal(false);
    expect(none.enabled).to.equal(undefined);
    expect(none.message).to.include('does not run systemd');
  });

  it('the doctor warns about always containers without burrow-restart.service', () => {
    const off = lingerStatus({user: 'ann', uid: 1000, exists: files('/run/systemd/system')});
    const checks = doctorChecks(off, undefined, [{name: 'db', policy: 'always'}, {name: 'tmp', policy: ''}]);
    expect(checks.find((c) => c.name === 'linger')!.ok).to.equal(false);
    const unit = checks.find((c) => c.name === 'burrow-restart.service')!;
    expect(unit.ok).to.equal(false);
    expect(unit.message).to.include('1 container(s) with --restart always');
    expect(checks.find((c) => c.name === 'restart policies')!.message).to.equal('db (always)');
  });
});

describe('sd_notify', () => {
  it('conmon mode sends MAINPID and READY=1 in one datagram; container mode only MAINPID; ignore nothing', () => {
    expect(readyMessage('conmon', 42)).to.equal('MAINPID=42\nREADY=1\n');
    expect(readyMessage('container', 42)).to.equal('MAINPID=42\n');
    expect(readyMessage('ignore', 42)).to.equal(undefined);
    expect(parseNotifyMessage('MAINPID=42\nREADY=1\n')).to.deep.equal({MAINPID: '42', READY: '1'});
  });

  it('validates --sdnotify and which sockets conmon can relay', () => {
    expect(parseSdNotifyMode(undefined)).to.equal(undefined);
    expect(parseSdNotifyMode('conmon')).to.equal('conmon');
    expect(caught(() => parseSdNotifyMode('always')).message).to.equal('invalid --sdnotify value "always"');
    expect(relayableSocket('/run/user/1000/systemd/notify')).to.equal(true);
    expect(relayableSocket('@/org/freedesktop/systemd1/notify')).to.equal(false);
    expect(relayableSocket(`/${'x'.repeat(120)}`)).to.equal(false);
  });

  it('container mode binds the relay directory at /run/notify and sets NOTIFY_SOCKET inside', () => {
    const spec: Record<string, unknown> = {process: {env: ['PATH=/bin', 'NOTIFY_SOCKET=/host/path']}, mounts: []};
    addNotifySocketToSpec(spec, '/ud/notify');
    expect((spec.process as {env: string[]}).env).to.deep.equal(['PATH=/bin', 'NOTIFY_SOCKET=/run/notify/notify.sock']);
    expect(spec.mounts).to.deep.include({destination: '/run/notify', type: 'bind', source: '/ud/notify', options: ['bind', 'rw', 'nosuid', 'nodev', 'noexec']});
  });
});
