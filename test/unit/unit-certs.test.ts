// certs.d lookup: directory order, --cert-dir, extra CAs, client pairs and their errors.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError} from '../../src/errors';
import {certsDirs, tlsMaterialFor, type CertOptions} from '../../src/registry/certs';
import {caught, putFile} from '../support/fixtures';

// Fixed test material (self-signed EC certificate "burrow-unit-a", its key, and an unrelated key), so the
// tests need no openssl; validity dates do not matter to the checks under test.
const CERT_A = Buffer.from([
  '-----BEGIN CERTIFICATE-----',
  'MIIBhzCCAS2gAwIBAgIUdcb6kql+4u+ndVfXpHVdSdb9u1AwCgYIKoZIzj0EAwIw',
  'GDEWMBQGA1UEAwwNYnVycm93LXVuaXQtYTAgFw0yNjExMjMxNTIxNTNaGA8yMTI2',
  'MTAzMDE1MjE1M1owGDEWMBQGA1UEAwwNYnVycm93LXVuaXQtYTBZMBMGByqGSM49',
  'AgEGCCqGSM49AwEHA0IABPBeDP1SYpc5k8DysPOi7O1TMw7928/Kf1YZ/Dz07Yug',
  '9RDih0ZApcEhvNb65dI0w8ad+3DIZyRadhSM12p9t8GjUzBRMB0GA1UdDgQWBBSr',
  'v8VefGp4Xi1RE1JEcosacjO8dDAfBgNVHSMEGDAWgBSrv8VefGp4Xi1RE1JEcosa',
  'cjO8dDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIQD56W5ziizk',
  'IQW/aSREL3jQFryC4PGtimX+p7A4eoVVoAIgTAj9N8RxgB+j5lhOjYFohIfxxLRw',
  'a1HGVyVQMkJsxHU=',
  '-----END CERTIFICATE-----',
].join('\n') + '\n');
const KEY_A = Buffer.from([
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgY7IVSTrQPfpEIO3M',
  'uXfvA+krYz16tunIvht8yVx89lahRANCAATwXgz9UmKXOZPA8rDzouztUzMO/dvP',
  'yn9WGfw89O2LoPUQ4odGQKXBIbzW+uXSNMPGnftwyGckWnYUjNdqfbfB',
  '-----END PRIVATE KEY-----',
].join('\n') + '\n');
const KEY_B = Buffer.from([
  '-----BEGIN PRIVATE KEY-----',
  'MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgpZsGAB/JRT2qHgq6',
  'HO/5j9p9pKZ6TsmNBYZnsSwD9QqhRANCAAQV2oJjEbI8OU9qY/xFSe4Rw9nBdv/P',
  'NL+hA2TUnmppP06w4ix8XYKqbjHHJcrSElgj4ec6mMMKu0pyLvGqhqR6',
  '-----END PRIVATE KEY-----',
].join('\n') + '\n');

describe('unit: registry/certs', () => {
  let tmp: string;
  let opts: CertOptions;
  let etcContainers: string;
  let etcDocker: string;
  let userCerts: string;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-certs-'));
    etcContainers = path.join(tmp, 'etc', 'containers', 'certs.d');
    etcDocker = path.join(tmp, 'etc', 'docker', 'certs.d');
    userCerts = path.join(tmp, 'home', '.config', 'containers', 'certs.d');
    opts = {env: {}, home: path.join(tmp, 'home'), rootless: true, etcDirs: [etcContainers, etcDocker]};
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const put = putFile;
  const err = caught;

  it('returns no material when no directory exists', () => {
    expect(tlsMaterialFor('registry.example:5000', opts)).to.deep.equal({ca: []});
  });

  it('searches user, /etc/containers, /etc/docker; the first existing HOST:PORT dir wins', () => {
    put(path.join(etcDocker, 'reg:5000', 'docker.crt'), 'docker-ca');
    expect(tlsMaterialFor('reg:5000', opts)).to.deep.equal({ca: [Buffer.from('docker-ca')], dir: path.join(etcDocker, 'reg:5000')});
    fs.mkdirSync(path.join(etcContainers, 'reg:5000'), {recursive: true});
    // an existing but empty directory still wins over later ones
    expect(tlsMaterialFor('reg:5000', opts)).to.deep.equal({ca: [], dir: path.join(etcContainers, 'reg:5000')});
    put(path.join(userCerts, 'reg:5000', 'user.crt'), 'user-ca');
    expect(tlsMaterialFor('reg:5000', opts).dir).to.equal(path.join(userCerts, 'reg:5000'));
    // the port is part of the directory name
    expect(tlsMaterialFor('reg', opts)).to.deep.equal({ca: []});
  });

  it('the user directory is used only when rootless, and follows XDG_CONFIG_HOME', () => {
    put(path.join(userCerts, 'reg', 'user.crt'), 'user-ca');
    expect(tlsMaterialFor('reg', {...opts, rootless: false})).to.deep.equal({ca: []});
    const xdg = path.join(tmp, 'xdg');
    expect(certsDirs({...opts, env: {XDG_CONFIG_HOME: xdg}})[0]).to.equal(path.join(xdg, 'containers', 'certs.d'));
    put(path.join(xdg, 'containers', 'certs.d', 'reg', 'x.crt'), 'xdg-ca');
    expect(tlsMaterialFor('reg', {...opts, env: {XDG_CONFIG_HOME: xdg}}).ca).to.deep.equal([Buffer.from('xdg-ca')]);
  });

  it('defaults to the two /etc directories', () => {
    expect(certsDirs({env: {}, home: '/home/u', rootless: false})).to.deep.equal(['/etc/containers/certs.d', '/etc/docker/certs.d']);
  });

  it('--cert-dir replaces the search and is used as is', () => {
    put(path.join(etcContainers, 'reg', 'sys.crt'), 'sys-ca');
    const dir = path.join(tmp, 'mycerts');
    put(path.join(dir, 'mine.crt'), 'my-ca');
    expect(tlsMaterialFor('reg', {...opts, certDir: dir})).to.deep.equal({ca: [Buffer.from('my-ca')], dir});
  });

  it('collects every .crt as an extra CA, in name order, ignoring other files', () => {
    const d = path.join(etcContainers, 'reg');
    put(path.join(d, 'b.crt'), 'B');
    put(path.join(d, 'a.crt'), 'A');
    put(path.join(d, 'README'), 'x');
    put(path.join(d, 'ca.pem'), 'x');
    expect(tlsMaterialFor('reg', opts).ca).to.deep.equal([Buffer.from('A'), Buffer.from('B')]);
  });

  it('loads a .cert/.key client pair', () => {
    const d = path.join(etcContainers, 'reg');
    put(path.join(d, 'client.cert'), CERT_A);
    put(path.join(d, 'client.key'), KEY_A);
    put(path.join(d, 'ca.crt'), 'CA');
    const m = tlsMaterialFor('reg', opts);
    expect(m.cert).to.deep.equal(CERT_A);
    expect(m.key).to.deep.equal(KEY_A);
    expect(m.ca).to.deep.equal([Buffer.from('CA')]);
  });

  it('a .cert without .key, or a .key without .cert, names the file', () => {
    const d = path.join(etcContainers, 'reg');
    const cert = put(path.join(d, 'client.cert'), CERT_A);
    let e = err(() => tlsMaterialFor('reg', opts));
    expect(e).to.be.instanceOf(HostConfigError);
    expect(e.message).to.contain(cert).and.contain('client.key').and.contain('.crt');
    fs.rmSync(cert);
    const key = put(path.join(d, 'other.key'), KEY_A);
    e = err(() => tlsMaterialFor('reg', opts));
    expect(e).to.be.instanceOf(HostConfigError);
    expect(e.message).to.contain(key).and.contain('other.cert');
  });

  it('a pair that does not parse or does not match names the file', () => {
    const d = path.join(etcContainers, 'reg');
    put(path.join(d, 'client.cert'), 'garbage');
    put(path.join(d, 'client.key'), KEY_A);
    expect(err(() => tlsMaterialFor('reg', opts)).message).to.contain(path.join(d, 'client.cert'));
    put(path.join(d, 'client.cert'), CERT_A);
    put(path.join(d, 'client.key'), KEY_B);
    const e = err(() => tlsMaterialFor('reg', opts));
    expect(e).to.be.instanceOf(HostConfigError);
    expect(e.message).to.contain(path.join(d, 'client.key')).and.contain('does not match');
  });
});
