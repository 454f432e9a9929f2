// The network flags in Podman's syntax: --network modes and names, -p forms and ranges, -P from EXPOSE,
// --add-host, --dns, --mac-address, the PORTS column, slirp4netns options and pasta's argv.
import {expect} from 'chai';
import fc from 'fast-check';
import {exposedToMappings, formatPortLine, formatPortsColumn, normalizeExpose, parseAddHost, parseDnsServer, parseMacAddress, parseNetworkFlags, parsePublish, parsePublishList} from '../../src/network/network-options';
import {parseSlirpOptions, slirpAddresses} from '../../src/network/slirp4netns';
import {pastaArgs, pastaPortSpec} from '../../src/network/pasta';
import {parseCidr, ipString} from '../../src/network/network-store';
import {InvalidInputError} from '../../src/errors';

describe('unit: network/network-options parseNetworkFlags', () => {
  it('nothing (or private) is the rootless default command', () => {
    expect(parseNetworkFlags([], 'pasta')).to.deep.equal({kind: 'pasta', options: [], networks: []});
    expect(parseNetworkFlags(['private'], 'slirp4netns').kind).to.equal('slirp4netns');
  });

  it('modes with their options and targets', () => {
    expect(parseNetworkFlags(['slirp4netns:allow_host_loopback=true,mtu=1500'], 'pasta')).to.deep.equal({kind: 'slirp4netns', options: ['allow_host_loopback=true', 'mtu=1500'], networks: []});
    expect(parseNetworkFlags(['pasta:--map-gw'], 'pasta').options).to.deep.equal(['--map-gw']);
    expect(parseNetworkFlags(['container:web'], 'pasta')).to.include({kind: 'container', target: 'web'});
    expect(parseNetworkFlags(['ns:/proc/1/ns/net'], 'pasta')).to.include({kind: 'ns', target: '/proc/1/ns/net'});
    expect(parseNetworkFlags(['host'], 'pasta').kind).to.equal('host');
    expect(parseNetworkFlags(['none'], 'pasta').kind).to.equal('none');
  });

  it('network names, repeated or comma-separated, with aliases; bridge means the default network', () => {
    expect(parseNetworkFlags(['a,b', 'c:alias=x,alias=y'], 'pasta')).to.deep.equal({kind: 'bridge', options: [], networks: [
      {name: 'a', aliases: []}, {name: 'b', aliases: []}, {name: 'c', aliases: ['x', 'y']}]});
    expect(parseNetworkFlags(['bridge'], 'pasta').networks).to.deep.equal([{name: 'podman', aliases: []}]);
  });

  it('refuses mixtures, duplicates, bad names and missing targets', () => {
    for (const bad of [['host', 'none'], ['host', 'net1'], ['a', 'a'], ['-x'], ['container:'], ['ns:'], ['host:x'], ['n:ip=1.2.3.4']]) {
      expect(() => parseNetworkFlags(bad, 'pasta'), bad.join(' ')).to.throw(InvalidInputError);
    }
  });
});

describe('unit: network/network-options parsePublish', () => {
  it('container port only: a free host port on all addresses, tcp', () => {
    expect(parsePublish('80')).to.deep.equal([{hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp'}]);
  });

  it('host:container, ip:host:container, ip::container, udp and tcp,udp', () => {
    expect(parsePublish('8080:80')).to.deep.equal([{hostIp: '', hostPort: 8080, containerPort: 80, protocol: 'tcp'}]);
    expect(parsePublish('127.0.0.1:8080:80/udp')).to.deep.equal([{hostIp: '127.0.0.1', hostPort: 8080, containerPort: 80, protocol: 'udp'}]);
    expect(parsePublish('127.0.0.1::80')).to.deep.equal([{hostIp: '127.0.0.1', hostPort: 0, containerPort: 80, protocol: 'tcp'}]);
    expect(parsePublish('53:53/tcp,udp').map((p) => p.protocol)).to.deep.equal(['tcp', 'udp']);
    expect(parsePublish('[::1]:8080:80')).to.deep.equal([{hostIp: '::1', hostPort: 8080, containerPort: 80, protocol: 'tcp'}]);
  });

  it('ranges of equal length map port by port', () => {
    expect(parsePublish('5000-5002:6000-6002').map((p) => `${p.hostPort}:${p.containerPort}`)).to.deep.equal(['5000:6000', '5001:6001', '5002:6002']);
  });

  it('refuses what Podman refuses, naming -p', () => {
    for (const bad of ['', '0', '65536', '8080:', ':80', 'a:80', '80/sctp', '1-3:1-2', '3-1', '1.2.3:8080:80', '1:2:3:4', '80:1-2']) {
      expect(() => parsePublish(bad), bad).to.throw(InvalidInputError, /-p/);
    }
  });

  it('the same host port twice is refused; on different protocols it is fine', () => {
    expect(() => parsePublishList(['8080:80', '8080:81'])).to.throw(/published twice/);
    expect(() => parsePublishList(['127.0.0.1:8080:80', '8080:81'])).to.throw(/published twice/);
    expect(parsePublishList(['8080:80', '8080:80/udp'])).to.have.length(2);
  });

  it('property: any valid host:container pair round-trips through formatPortLine', () => {
    fc.assert(fc.property(fc.integer({min: 1, max: 65535}), fc.integer({min: 1, max: 65535}), fc.constantFrom('tcp', 'udp'), (h, c, proto) => {
      const [m] = parsePublish(`${h}:${c}/${proto}`);
      expect(formatPortLine(m)).to.equal(`${c}/${proto} -> 0.0.0.0:${h}`);
    }));
  });
});

describe('unit: network/network-options other flags', () => {
  it('-P maps every EXPOSE port (ranges too) to a free host port', () => {
    expect(exposedToMappings(['80/tcp', '53/udp', '8000-8001/tcp'])).to.deep.equal([
      {hostIp: '', hostPort: 0, containerPort: 80, protocol: 'tcp'}, {hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp'},
      {hostIp: '', hostPort: 0, containerPort: 8000, protocol: 'tcp'}, {hostIp: '', hostPort: 0, containerPort: 8001, protocol: 'tcp'}]);
    expect(normalizeExpose('8080')).to.equal('8080/tcp');
    expect(normalizeExpose('53/UDP')).to.equal('53/udp');
    expect(() => normalizeExpose('http')).to.throw(InvalidInputError);
  });

  it('--add-host NAME:IP, NAME=IP, several names, IPv6 and host-gateway', () => {
    expect(parseAddHost('db:10.0.0.5')).to.deep.equal({names: ['db'], ip: '10.0.0.5'});
    expect(parseAddHost('db=10.0.0.5')).to.deep.equal({names: ['db'], ip: '10.0.0.5'});
    expect(parseAddHost('a;b:10.0.0.5')).to.deep.equal({names: ['a', 'b'], ip: '10.0.0.5'});
    expect(parseAddHost('v6:[2001:db8::1]')).to.deep.equal({names: ['v6'], ip: '2001:db8::1'});
    expect(parseAddHost('gw:host-gateway').ip).to.equal('host-gateway');
    for (const bad of ['db', 'db:', ':1.2.3.4', 'db:notanip', 'bad name:1.2.3.4']) expect(() => parseAddHost(bad), bad).to.throw(InvalidInputError, /--add-host/);
  });

  it('--dns takes addresses (and none); --mac-address unicast only', () => {
    expect(parseDnsServer('1.1.1.1')).to.equal('1.1.1.1');
    expect(parseDnsServer('none')).to.equal('none');
    expect(() => parseDnsServer('dns.example')).to.throw(/--dns/);
    expect(parseMacAddress('92:D0:C6:0A:29:33')).to.equal('92:d0:c6:0a:29:33');
    expect(() => parseMacAddress('01:00:5e:00:00:01')).to.throw(/multicast/);
    expect(() => parseMacAddress('92:d0:c6')).to.throw(/--mac-address/);
  });

  it('the PORTS column folds consecutive ports into ranges, as Podman prints them', () => {
    const ports = parsePublishList(['5000-5002:6000-6002', '127.0.0.1:8080:80', '53:53/udp']);
    expect(formatPortsColumn(ports)).to.equal('0.0.0.0:5000-5002->6000-6002/tcp, 127.0.0.1:8080->80/tcp, 0.0.0.0:53->53/udp');
    expect(formatPortsColumn([])).to.equal('');
  });
});

describe('unit: network/slirp4netns and pasta', () => {
  it('slirp4netns options as Podman spells them', () => {
    expect(parseSlirpOptions([])).to.deep.equal({allowHostLoopback: false, enableIpv6: false, mtu: 65520});
    expect(parseSlirpOptions(['allow_host_loopback=true', 'cidr=10.5.0.0/24', 'mtu=1500', 'port_handler=slirp4netns'])).to.include({allowHostLoopback: true, cidr: '10.5.0.0/24', mtu: 1500});
    expect(() => parseSlirpOptions(['port_handler=rootlesskit'])).to.throw(/rootlesskit/);
    expect(() => parseSlirpOptions(['allow_host_loopback=yes'])).to.throw(/true or false/);
    expect(() => parseSlirpOptions(['bogus=1'])).to.throw(/unknown slirp4netns option/);
  });

  it('slirp4netns addresses follow the CIDR: router .2, DNS .3, guest .100', () => {
    expect(slirpAddresses()).to.deep.equal({router: '10.0.2.2', dns: '10.0.2.3', guest: '10.0.2.100', prefix: 24});
    expect(slirpAddresses('10.89.3.0/24')).to.deep.equal({router: '10.89.3.2', dns: '10.89.3.3', guest: '10.89.3.100', prefix: 24});
  });

  it('pasta gets its port specs, no host loopback unless --map-gw, the DNS forwarder and the pid last', () => {
    const ports = parsePublishList(['127.0.0.1:8080:80', '5353:53/udp']);
    expect(pastaPortSpec(ports, 'tcp')).to.equal('127.0.0.1/8080:80');
    expect(pastaPortSpec(ports, 'udp')).to.equal('5353:53');
    expect(pastaPortSpec([], 'tcp')).to.equal('none');
    const argv = pastaArgs('/usr/bin/pasta', 42, ports, [], '/run/p.pid');
    expect(argv).to.include('--no-map-gw');
    expect(argv.slice(-1)).to.deep.equal(['42']);
    expect(argv.join(' ')).to.contain('-t 127.0.0.1/8080:80 -u 5353:53 -T none -U none --dns-forward 169.254.1.1');
    const mapped = pastaArgs('/usr/bin/pasta', 42, [], ['--map-gw', '-4'], '/p');
    expect(mapped).to.not.include('--no-map-gw');
    expect(mapped).to.not.include('--map-gw');
    expect(mapped).to.include('-4');
  });

  it('network subnets are normalized CIDRs', () => {
    const c = parseCidr('10.89.7.9/24');
    expect(ipString(c.base)).to.equal('10.89.7.0');
    expect(c.prefix).to.equal(24);
    for (const bad of ['10.89.7.0', '10.89.7.0/33', '300.1.1.1/24', '10.0.0.0/4']) expect(() => parseCidr(bad), bad).to.throw(InvalidInputError);
  });
});
