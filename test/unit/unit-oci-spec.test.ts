// generateSpec: the OCI config.json burrow hands to the runtime, checked against Podman's defaults.
import {expect} from 'chai';
import type {ContainerConfig} from '../../src/storage/container-store';
import {DEFAULT_CAPABILITIES} from '../../src/runtime/capabilities';
import {DEFAULT_PATH, generateSpec, mergeEnv, type SpecInput} from '../../src/runtime/oci-spec';

const ID = 'a'.repeat(64);

function config(over: Partial<ContainerConfig> = {}): ContainerConfig {
  return {
    id: ID, name: 'web', created: '2026-01-01T00:00:00.000Z', imageId: 'b'.repeat(64), imageName: 'localhost/demo:latest',
    args: ['sh', '-c', 'echo hi'], entrypoint: [], command: ['sh', '-c', 'echo hi'], env: [], workdir: '', user: '',
    labels: {}, network: 'none', readOnly: false, capAdd: [], capDrop: [], init: false, stopSignal: 'SIGTERM',
    stopTimeout: 10, autoRemove: false, createCommand: ['burrow', 'run', 'demo'], driver: 'overlay', ...over,
  };
}

function input(over: Partial<SpecInput> = {}, cfg: Partial<ContainerConfig> = {}): SpecInput {
  return {
    config: config(cfg), rootfs: '/store/merged', userdata: '/store/userdata', rootless: true, mappedIds: 65537,
    user: {uid: 0, gid: 0, additionalGids: []}, hostname: 'aaaaaaaaaaaa', ...over,
  };
}

interface Mount {destination: string; type: string; source: string; options: string[]}
interface Spec {
  process: {user: {uid: number; gid: number; additionalGids: number[]}; args: string[]; env: string[]; cwd: string;
    capabilities: Record<'bounding' | 'effective' | 'permitted' | 'inheritable' | 'ambient', string[]>};
  root: {path: string; readonly: boolean};
  hostname: string;
  mounts: Mount[];
  annotations: Record<string, string>;
  linux: {namespaces: {type: string}[]; maskedPaths: string[]; readonlyPaths: string[]; cgroupsPath?: string};
}

const spec = (i: SpecInput) => generateSpec(i) as unknown as Spec;
const mount = (s: Spec, dest: string) => s.mounts.filter((m) => m.destination === dest);
const nsTypes = (s: Spec) => s.linux.namespaces.map((n) => n.type);

describe('unit: runtime/oci-spec mergeEnv', () => {
  it('later lists win per key and keep the first position of the key', () => {
    expect(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4'], ['A=5'])).to.deep.equal(['A=5', 'B=3', 'C=4']);
  });

  it('splits on the first "=" only and keeps empty values', () => {
    expect(mergeEnv(['OPTS=a=b=c', 'EMPTY='], ['OPTS=x=y'])).to.deep.equal(['OPTS=x=y', 'EMPTY=']);
  });

  it('keeps a bare KEY as given and lets KEY=VALUE replace it', () => {
    expect(mergeEnv(['BARE'], ['X=1'])).to.deep.equal(['BARE', 'X=1']);
    expect(mergeEnv(['BARE'], ['BARE=now'])).to.deep.equal(['BARE=now']);
  });

  it('skips undefined lists', () => {
    expect(mergeEnv(undefined, ['A=1'], undefined)).to.deep.equal(['A=1']);
    expect(mergeEnv()).to.deep.equal([]);
  });
});

describe('unit: runtime/oci-spec generateSpec', () => {
  it('gives the root user Podman\'s default capabilities in effective, permitted and bounding', () => {
    const caps = spec(input()).process.capabilities;
    expect([...caps.bounding].sort()).to.deep.equal([
      'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_NET_BIND_SERVICE',
      'CAP_SETFCAP', 'CAP_SETGID', 'CAP_SETPCAP', 'CAP_SETUID', 'CAP_SYS_CHROOT',
    ]);
    expect(caps.effective).to.deep.equal(caps.bounding);
    expect(caps.permitted).to.deep.equal(caps.bounding);
    expect(caps.inheritable).to.deep.equal([]);
    expect(caps.ambient).to.deep.equal([]);
  });

  it('gives a non-root user an empty effective and permitted set but the same bounding set', () => {
    const caps = spec(input({user: {uid: 1000, gid: 1000, additionalGids: [10]}})).process.capabilities;
    expect([...caps.bounding].sort()).to.deep.equal([...DEFAULT_CAPABILITIES].sort());
    expect(caps.effective).to.deep.equal([]);
    expect(caps.permitted).to.deep.equal([]);
  });

  it('applies --cap-add / --cap-drop', () => {
    const caps = spec(input({}, {capAdd: ['net_raw'], capDrop: ['CAP_CHOWN']})).process.capabilities;
    expect(caps.bounding).to.include('CAP_NET_RAW');
    expect(caps.bounding).not.to.include('CAP_CHOWN');
    expect(caps.effective).to.deep.equal(caps.bounding);
  });

  it('sets the process user, args, cwd, root and hostname', () => {
    const s = spec(input({user: {uid: 1000, gid: 100, additionalGids: [10, 20], home: '/home/app'}}, {workdir: '/srv'}));
    expect(s.process.user).to.deep.equal({uid: 1000, gid: 100, additionalGids: [10, 20]});
    expect(s.process.args).to.deep.equal(['sh', '-c', 'echo hi']);
    expect(s.process.cwd).to.equal('/srv');
    expect(s.root).to.deep.equal({path: '/store/merged', readonly: false});
    expect(s.hostname).to.equal('aaaaaaaaaaaa');
    expect(spec(input()).process.cwd).to.equal('/');
  });

  it('builds the environment: defaults, then the container env, then HOSTNAME and HOME', () => {
    const s = spec(input({}, {env: ['TERM=dumb', 'APP=1']}));
    expect(s.process.env).to.deep.equal([
      `PATH=${DEFAULT_PATH}`, 'TERM=dumb', 'container=podman', 'APP=1', 'HOSTNAME=aaaaaaaaaaaa', 'HOME=/root',
    ]);
  });

  it('uses Podman\'s default PATH unless the container sets one', () => {
    expect(DEFAULT_PATH).to.equal('/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    expect(spec(input()).process.env).to.include(`PATH=${DEFAULT_PATH}`);
    const env = spec(input({}, {env: ['PATH=/opt/bin']})).process.env;
    expect(env.filter((e) => e.startsWith('PATH='))).to.deep.equal(['PATH=/opt/bin']);
  });

  it('sets HOME from the user\'s passwd home, / for an unknown non-root user, and keeps a HOME the container sets', () => {
    const home = (i: SpecInput) => spec(i).process.env.filter((e) => e.startsWith('HOME='));
    expect(home(input({user: {uid: 1000, gid: 1000, additionalGids: [], home: '/home/app'}}))).to.deep.equal(['HOME=/home/app']);
    expect(home(input({user: {uid: 1000, gid: 1000, additionalGids: []}}))).to.deep.equal(['HOME=/']);
    expect(home(input())).to.deep.equal(['HOME=/root']);
    expect(home(input({}, {env: ['HOME=/data']}))).to.deep.equal(['HOME=/data']);
  });

  it('keeps a HOSTNAME the user set, as Podman does (containers/podman#8886)', () => {
    const env = spec(input({}, {env: ['HOSTNAME=0.0.0.0']})).process.env;
    expect(env.filter((e) => e.startsWith('HOSTNAME='))).to.deep.equal(['HOSTNAME=0.0.0.0']);
  });

  it('--init runs /run/podman-init -- COMMAND and bind-mounts the init binary read-only', () => {
    const s = spec(input({initPath: '/usr/libexec/podman/catatonit'}, {init: true}));
    expect(s.process.args).to.deep.equal(['/run/podman-init', '--', 'sh', '-c', 'echo hi']);
    const m = mount(s, '/run/podman-init');
    expect(m).to.have.length(1);
    expect(m[0].type).to.equal('bind');
    expect(m[0].source).to.equal('/usr/libexec/podman/catatonit');
    expect(m[0].options).to.include('ro');
  });

  it('without --init the command is not wrapped and nothing is mounted at /run/podman-init', () => {
    const s = spec(input({initPath: '/usr/libexec/podman/catatonit'}));
    expect(s.process.args).to.deep.equal(['sh', '-c', 'echo hi']);
    expect(mount(s, '/run/podman-init')).to.deep.equal([]);
  });

  it('--read-only makes the root read-only and mounts writable tmpfs on /tmp, /var/tmp and /run', () => {
    const s = spec(input({}, {readOnly: true}));
    expect(s.root.readonly).to.equal(true);
    for (const d of ['/tmp', '/var/tmp', '/run']) {
      const m = mount(s, d);
      expect(m, d).to.have.length(1);
      expect(m[0].type).to.equal('tmpfs');
      expect(m[0].options).to.include('rw');
    }
    const rw = spec(input());
    expect(rw.root.readonly).to.equal(false);
    for (const d of ['/tmp', '/var/tmp', '/run']) expect(mount(rw, d), d).to.deep.equal([]);
  });

  it('network none: own network namespace and a real sysfs', () => {
    const s = spec(input({}, {network: 'none'}));
    expect(nsTypes(s)).to.include('network');
    const sys = mount(s, '/sys');
    expect(sys).to.have.length(1);
    expect(sys[0].type).to.equal('sysfs');
    expect(sys[0].options).to.include('ro');
  });

  it('network host, rootless: no network namespace and /sys bind-mounted read-only', () => {
    const s = spec(input({rootless: true}, {network: 'host'}));
    expect(nsTypes(s)).not.to.include('network');
    const sys = mount(s, '/sys');
    expect(sys).to.have.length(1);
    expect(sys[0].type).to.equal('bind');
    expect(sys[0].source).to.equal('/sys');
    expect(sys[0].options).to.include.members(['rbind', 'ro']);
  });

  it('network host, rootful: no network namespace, sysfs mounted', () => {
    const s = spec(input({rootless: false}, {network: 'host'}));
    expect(nsTypes(s)).not.to.include('network');
    expect(mount(s, '/sys')[0].type).to.equal('sysfs');
  });

  it('always has pid, ipc, uts and mount namespaces', () => {
    for (const rootless of [true, false]) {
      for (const network of ['none', 'host'] as const) {
        expect(nsTypes(spec(input({rootless}, {network})))).to.include.members(['pid', 'ipc', 'uts', 'mount']);
      }
    }
  });

  it('rootless: no cgroup namespace, no cgroupsPath, no /sys/fs/cgroup mount', () => {
    const s = spec(input({rootless: true}));
    expect(nsTypes(s)).not.to.include('cgroup');
    expect(s.linux).not.to.have.property('cgroupsPath');
    expect(mount(s, '/sys/fs/cgroup')).to.deep.equal([]);
  });

  it('rootful: cgroup namespace, a cgroupsPath naming the container, and a read-only cgroup mount', () => {
    const s = spec(input({rootless: false}));
    expect(nsTypes(s)).to.include('cgroup');
    expect(s.linux.cgroupsPath).to.equal(`/burrow/${ID}`);
    const cg = mount(s, '/sys/fs/cgroup');
    expect(cg).to.have.length(1);
    expect(cg[0].options).to.include('ro');
  });

  it('gives /dev/pts to gid 5 (tty) only when gid 5 is mapped', () => {
    const devpts = (mappedIds: number) => mount(spec(input({mappedIds})), '/dev/pts')[0].options;
    expect(devpts(1)).not.to.include('gid=5');
    expect(devpts(5)).not.to.include('gid=5'); // ids 0..4
    expect(devpts(6)).to.include('gid=5'); // ids 0..5
    expect(devpts(65537)).to.include('gid=5');
    expect(devpts(65537)).to.include.members(['newinstance', 'ptmxmode=0666', 'mode=0620']);
  });

  it('mounts proc, dev, devpts, mqueue and shm', () => {
    const s = spec(input());
    expect(mount(s, '/proc')[0].type).to.equal('proc');
    expect(mount(s, '/dev')[0].type).to.equal('tmpfs');
    expect(mount(s, '/dev/pts')[0].type).to.equal('devpts');
    expect(mount(s, '/dev/mqueue')[0].type).to.equal('mqueue');
    expect(mount(s, '/dev/shm')[0].type).to.equal('tmpfs');
  });

  it('masks and write-protects Podman\'s sensitive paths', () => {
    const s = spec(input());
    expect(s.linux.maskedPaths).to.include.members(['/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats',
      '/proc/timer_list', '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware']);
    expect(s.linux.readonlyPaths).to.include.members(['/proc/asound', '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
  });

  it('binds /etc/hosts, /etc/hostname, /etc/resolv.conf and /run/.containerenv from userdata', () => {
    const s = spec(input());
    for (const f of ['hosts', 'hostname', 'resolv.conf']) {
      const m = mount(s, `/etc/${f}`);
      expect(m, f).to.have.length(1);
      expect(m[0].type).to.equal('bind');
      expect(m[0].source).to.equal(`/store/userdata/${f}`);
    }
    expect(mount(s, '/run/.containerenv')[0].source).to.equal('/store/userdata/.containerenv');
  });

  it('has no mount destination twice', () => {
    const s = spec(input({initPath: '/init'}, {readOnly: true, init: true}));
    const dests = s.mounts.map((m) => m.destination);
    expect(new Set(dests).size).to.equal(dests.length);
  });

  it('annotates the stop signal and the labels', () => {
    const s = spec(input({}, {stopSignal: 'SIGQUIT', labels: {'com.example.team': 'web'}}));
    expect(s.annotations['org.opencontainers.image.stopSignal']).to.equal('SIGQUIT');
    expect(s.annotations['com.example.team']).to.equal('web');
  });
});
