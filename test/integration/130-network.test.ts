// Rootless networking as a user meets it: nginx (Debian's nginx-light, from the debootstrap rootfs the
// set-up caches) published on a high port and fetched from the host through pasta and slirp4netns, a UDP
// echo through a published UDP port, containers reaching each other by name on a user-defined network
// and not across networks, --network none, the names a container resolves (a base hosts file, --add-host,
// the network's DNS), and the failures: a port in use, a privileged port, a missing helper, a helper that
// dies under a running container.
import {freePort, httpGet as probe} from '../support/ports';
import {expect} from 'chai';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import {spawn} from 'node:child_process';
import {bin, burrow, burrowAsync, env, ok, runRoot, work} from './harness';

const NGINX_TAR = process.env.BURROW_DEBIAN_NGINX_TAR ?? '/var/cache/burrow-test/debian-bookworm-nginx.tar';
const IMAGE = 'localhost/test-nginx';
/** A UDP echo server on port 5000 that also logs what it receives (Debian's perl-base has Socket). */
const UDP_ECHO = 'perl -MSocket -e \'$|=1; socket(S,PF_INET,SOCK_DGRAM,0) or die $!; bind(S,pack_sockaddr_in(5000,INADDR_ANY)) or die $!; ' +
  'while (defined($p=recv(S,$m,65536,0))) { print "got $m\\n"; send(S,$m,0,$p) }\'';
/** bash's /dev/tcp: an HTTP GET by name or address from inside a Debian container (no curl there). */
const fetchIn = (host: string) => `exec 3<>/dev/tcp/${host}/80 && printf 'GET / HTTP/1.0\\r\\nHost: x\\r\\n\\r\\n' >&3 && timeout 5 cat <&3`;

const httpGet = (port: number, timeoutMs?: number) => probe(port, {timeoutMs});

/** The host's first non-loopback IPv4 address: published ports are reached there from the host itself. */
function hostAddress(): string {
  for (const list of Object.values(os.networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  throw new Error('this host has no non-loopback IPv4 address: the UDP test needs one');
}

function udpEcho(port: number, message: string, host = '127.0.0.1', timeoutMs = 10_000): Promise<string> {
  const sock = dgram.createSocket('udp4');
  return new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      clearInterval(resend);
      sock.close();
      reject(new Error(`no UDP echo on ${port}`));
    }, timeoutMs);
    // The server may not be listening yet: send until it answers.
    const resend = setInterval(() => sock.send(message, port, host), 200);
    sock.on('message', (m) => {
      clearTimeout(deadline);
      clearInterval(resend);
      sock.close();
      resolve(m.toString());
    });
    sock.send(message, port, host);
  });
}

/** A free port on the host now (the kernel's pick). */

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** This user's processes named `name` (slirp4netns, pasta, aardvark-dns) that are alive. */
function helpers(name: string): number[] {
  const out: number[] = [];
  for (const e of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      // pasta runs as passt(.avx2): its argv[0] still names it.
      const argv0 = path.basename(fs.readFileSync(`/proc/${e}/cmdline`, 'utf8').split('\0')[0]);
      const stat = fs.readFileSync(`/proc/${e}/stat`, 'utf8');
      if (argv0 === name && !/\) [ZX] /.test(stat) && fs.statSync(`/proc/${e}`).uid === process.getuid!()) out.push(Number(e));
    } catch {
      // gone
    }
  }
  return out;
}

describe('network: rootless namespaces, published ports, user-defined networks', function () {
  this.timeout(180_000);

  before(function () {
    if (!fs.existsSync(NGINX_TAR)) {
      throw new Error(`${NGINX_TAR} is missing: build it as root with BURROW_DEBIAN_VARIANT=nginx scripts/make-debian-rootfs.sh (scripts/test.sh does)`);
    }
    if (burrow(['image', 'exists', IMAGE]).status !== 0) {
      ok(['import', '--change', 'CMD ["nginx","-g","daemon off;"]', '--change', 'EXPOSE 80', NGINX_TAR, IMAGE]);
    }
  });

  afterEach(() => {
    burrow(['rm', '-fa']);
  });

  for (const backend of ['pasta', 'slirp4netns']) {
    it(`${backend}: nginx published on a high port serves the host; rm -f frees the port at once`, async () => {
      const port = await freePort();
      const id = ok(['run', '-d', '--name', `web-${backend}`, '--network', backend, '-p', `${port}:80`, IMAGE]).trim();
      expect(id).to.match(/^[0-9a-f]{64}$/);
      const page = await httpGet(port);
      expect(page.status).to.equal(200);
      expect(page.body).to.contain('Welcome to nginx!');
      expect(ok(['port', `web-${backend}`])).to.equal(`80/tcp -> 0.0.0.0:${port}\n`);
      expect(ok(['ps', '--format', '{{.Names}} {{.Ports}}'])).to.equal(`web-${backend} 0.0.0.0:${port}->80/tcp\n`);
      expect(ok(['inspect', '--format', '{{.HostConfig.NetworkMode}} {{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', id]).trim()).to.equal(`${backend} ${port}`);
      ok(['rm', '-f', id]);
      expect(await canBind(port), 'the published port is free once rm -f returns').to.equal(true);
      expect(helpers(backend), `no ${backend} left`).to.deep.equal([]);
    });

    it(`${backend}: datagrams reach a UDP server through a published UDP port${backend === 'slirp4netns' ? ', and its answers come back' : ''}`, async () => {
      const port = await freePort();
      const id = ok(['run', '-d', '--network', backend, '-p', `${port}:5000/udp`, IMAGE, 'sh', '-c', UDP_ECHO]).trim();
      if (backend === 'slirp4netns') {
        expect(await udpEcho(port, `ping-${backend}`, hostAddress())).to.equal(`ping-${backend}`);
      } else {
        // Debian 12's pasta forwards the datagrams in but drops the answers to a client on this same host
        // (it does answer remote clients): what reaches the server is what can be checked here.
        await udpEcho(port, `ping-${backend}`, hostAddress(), 2000).catch(() => undefined);
      }
      expect(ok(['logs', id])).to.contain(`got ping-${backend}`);
    });

    it(`${backend}: the namespace has MTU 65520, a default route and a resolver of its own`, () => {
      const out = ok(['run', '--rm', '--network', backend, IMAGE, 'sh', '-c',
        'for i in /sys/class/net/*; do [ "${i##*/}" = lo ] || echo "${i##*/} $(cat $i/mtu)"; done; awk \'$2 == "00000000"\' /proc/net/route | wc -l; grep ^nameserver /etc/resolv.conf']);
      const [iface, routes, ns] = out.trim().split('\n');
      expect(iface).to.match(/ 65520$/);
      expect(routes).to.equal('1');
      expect(ns).to.equal(backend === 'pasta' ? 'nameserver 169.254.1.1' : 'nameserver 10.0.2.3');
    });
  }

  it('-P publishes the image\'s EXPOSE port on a free host port that `port` names', async () => {
    ok(['run', '-d', '--name', 'pall', '-P', IMAGE]);
    const line = ok(['port', 'pall', '80/tcp']).trim();
    const m = /^0\.0\.0\.0:(\d+)$/.exec(line);
    expect(m, line).to.not.equal(null);
    expect((await httpGet(Number(m![1]))).body).to.contain('Welcome to nginx!');
  });

  it('--network none has only loopback and publishes nothing', () => {
    const out = ok(['run', '--rm', '--network', 'none', IMAGE, 'sh', '-c', 'ls /sys/class/net; awk \'$2 == "00000000"\' /proc/net/route | wc -l']);
    expect(out).to.equal('lo\n0\n');
  });

  it('two containers on one network talk by name; a container on another network cannot reach them', () => {
    ok(['network', 'create', 'itnet-a']);
    ok(['network', 'create', 'itnet-b']);
    try {
      ok(['run', '-d', '--name', 'web', '--network', 'itnet-a', '--network-alias', 'www', IMAGE]);
      // By name and by alias, answered by the network's DNS (the client's /etc/hosts does not list "web").
      const same = ok(['run', '--rm', '--network', 'itnet-a', IMAGE, 'bash', '-c', `grep -c web /etc/hosts || true; getent hosts web; getent hosts www; for i in 1 2 3 4 5 6 7 8 9 10; do ${fetchIn('web')} && break; sleep 0.5; done`]);
      expect(same).to.match(/^0\n10\.89\.\d+\.\d+\s+web/);
      expect(same).to.match(/\n10\.89\.\d+\.\d+\s+www/);
      expect(same).to.contain('Welcome to nginx!');
      const webIp = ok(['inspect', '--format', '{{.NetworkSettings.IPAddress}}', 'web']).trim();
      expect(webIp).to.match(/^10\.89\.\d+\.\d+$/);
      const other = burrow(['run', '--rm', '--network', 'itnet-b', IMAGE, 'bash', '-c', `getent hosts web || echo no-name; timeout 5 bash -c '${fetchIn(webIp).replace(/'/g, '\'\\\'\'')}' || echo no-route`]);
      expect(other.stdout).to.contain('no-name');
      expect(other.stdout).to.not.contain('Welcome to nginx!');
      const ls = ok(['network', 'ls', '--format', '{{.Name}}']);
      expect(ls.split('\n')).to.include.members(['itnet-a', 'itnet-b', 'podman']);
      // In use: refused (exit 2) without -f.
      const busy = burrow(['network', 'rm', 'itnet-a']);
      expect(busy.status).to.equal(2);
      expect(busy.stderr).to.contain('associated containers');
    } finally {
      burrow(['rm', '-fa']);
      burrow(['network', 'rm', '-f', 'itnet-a', 'itnet-b']);
    }
    expect(helpers('aardvark-dns')).to.deep.equal([]);
    expect(helpers('slirp4netns')).to.deep.equal([]);
    expect(fs.existsSync(path.join(runRoot, 'networks', 'itnet-a'))).to.equal(false);
  });

  it('a published port on a user-defined network reaches the container; the last member out stops the helpers', async () => {
    ok(['network', 'create', 'itnet-p']);
    try {
      const port = await freePort();
      ok(['run', '-d', '--name', 'pweb', '--network', 'itnet-p', '-p', `${port}:80`, IMAGE]);
      expect((await httpGet(port)).body).to.contain('Welcome to nginx!');
      expect(helpers('slirp4netns').length).to.equal(1);
      expect(helpers('aardvark-dns').length).to.equal(1);
      ok(['stop', '-t', '0', 'pweb']);
      expect(await canBind(port)).to.equal(true);
      expect(helpers('slirp4netns')).to.deep.equal([]);
      expect(helpers('aardvark-dns')).to.deep.equal([]);
    } finally {
      burrow(['rm', '-fa']);
      burrow(['network', 'rm', '-f', 'itnet-p']);
    }
  });

  it('network connect gives a running container a second interface; disconnect takes it away', () => {
    ok(['network', 'create', 'itnet-c1']);
    ok(['network', 'create', 'itnet-c2']);
    try {
      ok(['run', '-d', '--name', 'srv', '--network', 'itnet-c1', IMAGE]);
      ok(['run', '-d', '--name', 'cli', '--network', 'itnet-c2', IMAGE, 'sleep', '120']);
      ok(['network', 'connect', 'itnet-c1', 'cli']);
      const nets = ok(['inspect', '--format', '{{range $k, $v := .NetworkSettings.Networks}}{{$k}}:{{$v.IPAddress}} {{end}}', 'cli']).trim().split(' ');
      expect(nets.map((n) => n.split(':')[0])).to.deep.equal(['itnet-c1', 'itnet-c2']);
      const pid = ok(['inspect', '--format', '{{.State.Pid}}', 'cli']).trim();
      const ifaces = () => fs.readFileSync(`/proc/${pid}/net/dev`, 'utf8').split('\n').map((l) => l.split(':')[0].trim()).filter((n) => /^eth\d$/.test(n)).sort();
      expect(ifaces()).to.deep.equal(['eth0', 'eth1']);
      const ip = nets.find((n) => n.startsWith('itnet-c1:'))!.split(':')[1];
      expect(ip).to.match(/^10\.89\.\d+\.\d+$/);
      ok(['network', 'disconnect', 'itnet-c1', 'cli']);
      expect(ifaces()).to.deep.equal(['eth0']);
      const again = burrow(['network', 'disconnect', 'itnet-c1', 'cli']);
      expect(again.status).to.equal(125);
      expect(again.stderr).to.contain('not connected');
    } finally {
      burrow(['rm', '-fa']);
      burrow(['network', 'rm', '-f', 'itnet-c1', 'itnet-c2']);
    }
  });

  it('names from the base hosts file (containers.conf) and --add-host resolve inside; host.containers.internal is set', () => {
    const hosts = path.join(work, 'base-hosts');
    fs.writeFileSync(hosts, '127.0.0.1 localhost\n10.11.12.13 fileserver.test fileserver\n');
    const conf = path.join(work, 'containers-hosts.conf');
    fs.writeFileSync(conf, `[containers]\nbase_hosts_file = "${hosts}"\n`);
    const out = ok(['run', '--rm', '--network', 'slirp4netns', '--add-host', 'db.test:10.1.2.3', '--dns-search', 'example.test', '--dns-option', 'ndots:3', IMAGE, 'sh', '-c',
      'getent hosts fileserver.test; getent hosts db.test; getent hosts host.containers.internal >/dev/null && echo hci; grep -E "^(search|options)" /etc/resolv.conf'],
    {env: {CONTAINERS_CONF: conf}});
    expect(out).to.equal('10.11.12.13     fileserver.test fileserver\n10.1.2.3        db.test\nhci\nsearch example.test\noptions ndots:3\n');
    const none = burrow(['run', '--rm', '--no-hosts', IMAGE, 'sh', '-c', 'cat /etc/hosts 2>/dev/null | grep -c fileserver'], {env: {CONTAINERS_CONF: conf}});
    expect(none.stdout.trim(), '--no-hosts keeps the image\'s file (Debian\'s minbase has none)').to.equal('0');
  });

  it('--network container: shares the other container\'s namespace', async () => {
    const port = await freePort();
    ok(['run', '-d', '--name', 'holder', '--network', 'slirp4netns', '-p', `${port}:80`, IMAGE]);
    await httpGet(port);
    const out = ok(['run', '--rm', '--network', 'container:holder', IMAGE, 'bash', '-c', fetchIn('127.0.0.1')]);
    expect(out).to.contain('Welcome to nginx!');
  });

  it('a port in use on the host: one line naming the port, exit 125, the container left created with nothing running', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '0.0.0.0', () => r()));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      for (const backend of ['pasta', 'slirp4netns']) {
        const r = burrow(['run', '-d', '--name', `clash-${backend}`, '--network', backend, '-p', `${port}:80`, IMAGE]);
        expect(r.status).to.equal(125);
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.contain(`${port}`).and.to.contain('in use');
        expect(ok(['ps', '-a', '--filter', `name=clash-${backend}`, '--format', '{{.State}}']).trim()).to.equal('created');
        expect(helpers(backend)).to.deep.equal([]);
      }
    } finally {
      blocker.close();
    }
  });

  it('a port below net.ipv4.ip_unprivileged_port_start is refused with the sysctl named', () => {
    const floor = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_unprivileged_port_start', 'utf8'));
    if (floor <= 80) return; // this host lets anyone bind port 80: nothing to refuse
    const r = burrow(['run', '--rm', '-p', '80:80', IMAGE, 'true']);
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('ip_unprivileged_port_start').and.to.contain('-p');
  });

  it('bad -p values are one-line errors before anything is created', () => {
    for (const bad of ['99999:80', '80:abc', '1-3:1-2', '80/sctp', 'x.y.z.w:80:80']) {
      const r = burrow(['create', '-p', bad, IMAGE]);
      expect(r.status, bad).to.equal(125);
      expect(r.stderr.trim().split('\n'), bad).to.have.length(1);
      expect(r.stderr).to.contain('-p');
    }
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('a missing helper is a one-line error naming its package', () => {
    // Only the tools burrow needs, without pasta: BURROW_TOOL_PATH limits where burrow looks for them.
    const tools = path.join(work, 'tools-no-pasta');
    fs.mkdirSync(tools, {recursive: true});
    for (const t of ['conmon', 'runc', 'crun', 'catatonit', 'fuse-overlayfs', 'slirp4netns', 'aardvark-dns']) {
      const found = ['/usr/bin', '/usr/sbin', '/usr/libexec/podman', '/usr/lib/podman'].map((d) => path.join(d, t)).find((p) => fs.existsSync(p));
      if (found && !fs.existsSync(path.join(tools, t))) fs.symlinkSync(found, path.join(tools, t));
    }
    const r = burrow(['run', '--rm', '--network', 'pasta', IMAGE, 'true'], {env: {BURROW_TOOL_PATH: tools}});
    expect(r.status).to.equal(125);
    expect(r.stderr).to.contain('pasta is not installed').and.to.contain('passt');
    // The default falls back to slirp4netns when pasta is missing.
    expect(ok(['run', '--rm', IMAGE, 'sh', '-c', 'grep ^nameserver /etc/resolv.conf'], {env: {BURROW_TOOL_PATH: tools}}).trim()).to.equal('nameserver 10.0.2.3');
  });

  it('a helper that dies under a running container is reported by ps and inspect', async () => {
    ok(['run', '-d', '--name', 'victim', '--network', 'pasta', IMAGE]);
    const before = helpers('pasta');
    expect(before).to.have.length(1);
    process.kill(before[0], 'SIGKILL');
    await new Promise((r) => setTimeout(r, 300));
    expect(ok(['ps', '--format', '{{.Names}} {{.Status}}'])).to.match(/^victim Up .* \(network helper exited\)\n$/);
    expect(ok(['inspect', '--format', '{{.State.Error}}', 'victim'])).to.match(/pasta \(pid \d+\) has exited/);
  });

  it('a run -p killed at any point leaves nothing behind once the container is removed: no helper, the port free', async () => {
    const port = await freePort();
    for (const [i, delay] of [40, 120, 200, 280, 360, 450, 600, 900].entries()) {
      const backend = i % 2 ? 'slirp4netns' : 'pasta';
      const child = spawn(bin, ['--runroot', runRoot, 'run', '-d', '--name', `killed${i}`, '--network', backend, '-p', `${port}:80`, IMAGE], {env, stdio: 'ignore'});
      const exited = new Promise((r) => child.once('exit', r));
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
      await exited;
      burrow(['rm', '-f', `killed${i}`]);
      expect(helpers('pasta'), `pasta left after a kill at ${delay} ms`).to.deep.equal([]);
      expect(helpers('slirp4netns'), `slirp4netns left after a kill at ${delay} ms`).to.deep.equal([]);
      expect(await canBind(port), `port free after a kill at ${delay} ms`).to.equal(true);
    }
    expect(ok(['ps', '-a', '-q'])).to.equal('');
  });

  it('runs 6 published containers at once, each on its own port', async () => {
    const ports = await Promise.all([1, 2, 3, 4, 5, 6].map(() => freePort()));
    const results = await Promise.all(ports.map((p, i) => burrowAsync(['run', '-d', '--network', i % 2 ? 'slirp4netns' : 'pasta', '-p', `${p}:80`, IMAGE])));
    for (const r of results) expect(r.status, r.stderr).to.equal(0);
    for (const p of ports) expect((await httpGet(p)).body).to.contain('Welcome to nginx!');
  });
});
