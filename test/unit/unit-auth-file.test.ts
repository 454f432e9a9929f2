// Credentials files: search order, explicit files, key specificity, Docker's legacy keys, credential
// helpers, and the file edits of login / logout.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError} from '../../src/errors';
import {authFiles, lookupCredentials, removeCredentials, storeCredentials, type AuthLocations} from '../../src/registry/auth-file';
import {caught} from '../support/fixtures';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const entry = (user: string, pass: string) => ({auth: b64(`${user}:${pass}`)});

describe('unit: registry/auth-file', () => {
  let tmp: string;
  let home: string;
  let runtime: string;
  let loc: AuthLocations;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-auth-'));
    home = path.join(tmp, 'home');
    runtime = path.join(tmp, 'run');
    fs.mkdirSync(home);
    fs.mkdirSync(runtime);
    loc = {env: {XDG_RUNTIME_DIR: runtime, PATH: process.env.PATH}, home, uid: 1000};
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const put = (file: string, value: unknown): string => {
    fs.mkdirSync(path.dirname(file), {recursive: true});
    fs.writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
    return file;
  };
  const runtimeFile = () => path.join(runtime, 'containers', 'auth.json');
  const configFile = () => path.join(home, '.config', 'containers', 'auth.json');
  const dockerFile = () => path.join(home, '.docker', 'config.json');
  const legacyFile = () => path.join(home, '.dockercfg');
  const read = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as {auths: Record<string, {auth: string}>} & Record<string, unknown>;
  const rejects = async (p: Promise<unknown>): Promise<Error> => {
    try {
      await p;
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected a rejection');
  };
  const throws = caught;

  describe('file order', () => {
    it('lists runtime auth.json, config auth.json, Docker config.json, ~/.dockercfg', () => {
      expect(authFiles(loc)).to.deep.equal([runtimeFile(), configFile(), dockerFile(), legacyFile()]);
    });

    it('follows XDG_CONFIG_HOME and DOCKER_CONFIG, and /run/containers/UID without XDG_RUNTIME_DIR', () => {
      const l = {...loc, env: {XDG_CONFIG_HOME: '/cfg', DOCKER_CONFIG: '/dock'}};
      expect(authFiles(l)).to.deep.equal(['/run/containers/1000/auth.json', '/cfg/containers/auth.json', '/dock/config.json', legacyFile()]);
    });

    it('an explicit file (--authfile, else REGISTRY_AUTH_FILE) is the only one', () => {
      expect(authFiles({...loc, authfile: '/a.json', env: {...loc.env, REGISTRY_AUTH_FILE: '/b.json'}})).to.deep.equal(['/a.json']);
      expect(authFiles({...loc, env: {...loc.env, REGISTRY_AUTH_FILE: '/b.json'}})).to.deep.equal(['/b.json']);
    });

    it('the first file with a match wins', async () => {
      put(configFile(), {auths: {'reg.example': entry('config', 'c')}});
      put(dockerFile(), {auths: {'reg.example': entry('docker', 'd')}, credHelpers: {}});
      expect(await lookupCredentials(loc, 'reg.example/a/b')).to.deep.equal({username: 'config', password: 'c'});
      put(runtimeFile(), {auths: {'reg.example': entry('runtime', 'r')}});
      expect(await lookupCredentials(loc, 'reg.example/a/b')).to.deep.equal({username: 'runtime', password: 'r'});
      expect(await lookupCredentials(loc, 'other.example/a')).to.equal(undefined);
    });

    it('a less specific match in an earlier file beats a more specific one in a later file', async () => {
      put(runtimeFile(), {auths: {'reg.example': entry('host', 'h')}});
      put(configFile(), {auths: {'reg.example/team/app': entry('repo', 'r')}});
      expect(await lookupCredentials(loc, 'reg.example/team/app')).to.deep.equal({username: 'host', password: 'h'});
    });

    it('with an explicit file, the default files are not read', async () => {
      put(runtimeFile(), {auths: {'reg.example': entry('runtime', 'r')}});
      const explicit = put(path.join(tmp, 'explicit.json'), {auths: {}});
      expect(await lookupCredentials({...loc, authfile: explicit}, 'reg.example/x')).to.equal(undefined);
      expect(await lookupCredentials({...loc, env: {...loc.env, REGISTRY_AUTH_FILE: explicit}}, 'reg.example/x')).to.equal(undefined);
    });
  });

  describe('key matching', () => {
    it('prefers the most specific key: repository, namespaces, then host', async () => {
      put(runtimeFile(), {auths: {
        'reg.example:5000': entry('host', 'h'),
        'reg.example:5000/team': entry('team', 't'),
        'reg.example:5000/team/app': entry('app', 'a'),
      }});
      expect((await lookupCredentials(loc, 'reg.example:5000/team/app'))?.username).to.equal('app');
      expect((await lookupCredentials(loc, 'reg.example:5000/team/other'))?.username).to.equal('team');
      expect((await lookupCredentials(loc, 'reg.example:5000/teamx/app'))?.username).to.equal('host');
      expect((await lookupCredentials(loc, 'reg.example:5000'))?.username).to.equal('host');
      expect(await lookupCredentials(loc, 'reg.example/team/app')).to.equal(undefined);
    });

    it('matches Docker\'s legacy URL keys, including the Hub\'s /v1/ key for docker.io', async () => {
      put(dockerFile(), {auths: {
        'https://index.docker.io/v1/': entry('hub', 'h'),
        'http://reg.example:5000/v1/': entry('old', 'o'),
      }});
      expect(await lookupCredentials(loc, 'docker.io/library/busybox')).to.deep.equal({username: 'hub', password: 'h'});
      expect(await lookupCredentials(loc, 'reg.example:5000/a')).to.deep.equal({username: 'old', password: 'o'});
    });

    it('reads ~/.dockercfg, whose top level is the auths map', async () => {
      put(legacyFile(), {'https://quay.io/v1/': {auth: b64('legacy:l'), email: 'x@example.com'}});
      expect(await lookupCredentials(loc, 'quay.io/a/b')).to.deep.equal({username: 'legacy', password: 'l'});
    });

    it('keeps the identity token and skips unusable entries', async () => {
      put(runtimeFile(), {auths: {
        'a.example': {auth: b64('u:p'), identitytoken: 'tok'},
        'b.example': {auth: b64('no-colon')},
        'c.example': {},
      }});
      put(configFile(), {auths: {'b.example': entry('later', 'l')}});
      expect(await lookupCredentials(loc, 'a.example/x')).to.deep.equal({username: 'u', password: 'p', identityToken: 'tok'});
      expect(await lookupCredentials(loc, 'b.example/x')).to.deep.equal({username: 'later', password: 'l'});
      expect(await lookupCredentials(loc, 'c.example/x')).to.equal(undefined);
    });

    it('passwords may contain colons', async () => {
      put(runtimeFile(), {auths: {'a.example': {auth: b64('u:p:a:s:s')}}});
      expect(await lookupCredentials(loc, 'a.example')).to.deep.equal({username: 'u', password: 'p:a:s:s'});
    });

    it('refuses keys with a scheme, tag or digest', async () => {
      for (const k of ['https://a.example', 'a.example/x:tag', 'a.example/x@sha256:abc']) {
        expect(await rejects(lookupCredentials(loc, k)), k).to.be.instanceOf(InvalidInputError);
      }
    });

    it('a malformed file names itself and hints to fix or delete it', async () => {
      const f = put(configFile(), '{"auths": {');
      const e = await rejects(lookupCredentials(loc, 'a.example/x'));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain(f);
      expect((e as HostConfigError).hint).to.match(/fix .* or delete/);
      put(configFile(), '[]');
      expect(await rejects(lookupCredentials(loc, 'a.example/x'))).to.be.instanceOf(HostConfigError);
    });
  });

  describe('credential helpers', () => {
    let bin: string;
    let l: AuthLocations;
    beforeEach(() => {
      bin = path.join(tmp, 'bin');
      fs.mkdirSync(bin);
      // A helper that answers from a fixed table and logs the server it was asked about.
      const script = [
        '#!/bin/sh',
        `[ "$1" = get ] || exit 2`,
        'read -r server || true',
        `echo "$server" >> "${path.join(tmp, 'asked')}"`,
        'case "$server" in',
        '  reg.example) echo \'{"ServerURL":"reg.example","Username":"helper-user","Secret":"helper-pass"}\' ;;',
        '  tok.example) echo \'{"ServerURL":"tok.example","Username":"<token>","Secret":"refresh"}\' ;;',
        '  https://index.docker.io/v1/) echo \'{"ServerURL":"x","Username":"hub-user","Secret":"hub-pass"}\' ;;',
        '  broken.example) echo "boom: keychain locked"; exit 1 ;;',
        '  *) echo "credentials not found in native keychain"; exit 1 ;;',
        'esac',
      ].join('\n') + '\n';
      fs.writeFileSync(path.join(bin, 'docker-credential-unittest'), script, {mode: 0o755});
      l = {...loc, env: {...loc.env, PATH: `${bin}:${process.env.PATH}`}};
    });
    const asked = () => fs.readFileSync(path.join(tmp, 'asked'), 'utf8').trim().split('\n');

    it('asks the credHelpers helper for the host, before the file\'s auths', async () => {
      put(dockerFile(), {auths: {'reg.example': entry('file', 'f')}, credHelpers: {'reg.example': 'unittest', 'tok.example': 'unittest', 'none.example': 'unittest'}});
      expect(await lookupCredentials(l, 'reg.example/team/app')).to.deep.equal({username: 'helper-user', password: 'helper-pass'});
      expect(await lookupCredentials(l, 'tok.example/x')).to.deep.equal({username: '', password: '', identityToken: 'refresh'});
      expect(await lookupCredentials(l, 'none.example/x')).to.equal(undefined);
      expect(asked()).to.deep.equal(['reg.example', 'tok.example', 'none.example']);
    });

    it('uses credsStore for hosts without entries, asking for the Hub by its /v1/ URL', async () => {
      put(dockerFile(), {auths: {'https://index.docker.io/v1/': {}, 'own.example': entry('own', 'o')}, credsStore: 'unittest'});
      expect(await lookupCredentials(l, 'docker.io/library/busybox')).to.deep.equal({username: 'hub-user', password: 'hub-pass'});
      expect(await lookupCredentials(l, 'own.example/x')).to.deep.equal({username: 'own', password: 'o'});
      expect(await lookupCredentials(l, 'else.example/x')).to.equal(undefined);
      expect(asked()).to.deep.equal(['https://index.docker.io/v1/', 'else.example']);
    });

    it('a failing credHelpers helper is an error naming it and the file; a missing credsStore helper is skipped', async () => {
      const f = put(dockerFile(), {credHelpers: {'broken.example': 'unittest', 'gone.example': 'nonexistent'}});
      let e = await rejects(lookupCredentials(l, 'broken.example/x'));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain('docker-credential-unittest').and.contain(f).and.contain('keychain locked');
      e = await rejects(lookupCredentials(l, 'gone.example/x'));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain('docker-credential-nonexistent');
      put(dockerFile(), {credsStore: 'nonexistent'});
      expect(await lookupCredentials(l, 'gone.example/x')).to.equal(undefined);
    });
  });

  describe('storeCredentials / removeCredentials', () => {
    it('writes $XDG_RUNTIME_DIR/containers/auth.json with mode 0600 in a new 0700 directory', () => {
      const file = storeCredentials(loc, 'reg.example:5000', {username: 'u', password: 'p:w'});
      expect(file).to.equal(runtimeFile());
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
      expect(read(file)).to.deep.equal({auths: {'reg.example:5000': {auth: b64('u:p:w')}}});
      expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['auth.json']);
    });

    it('without XDG_RUNTIME_DIR it targets /run/containers/UID', () => {
      expect(authFiles({...loc, env: {}})[0]).to.equal('/run/containers/1000/auth.json');
    });

    it('without XDG_RUNTIME_DIR (su, ssh without logind) login writes and logout edits the config dir\'s auth.json', () => {
      const bare = {...loc, env: {}};
      const file = storeCredentials(bare, 'reg.example', {username: 'u', password: 'p'});
      expect(file).to.equal(configFile());
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(authFiles(bare)).to.include(file);
      expect(removeCredentials(bare, 'reg.example')).to.equal(true);
      expect(read(file)).to.deep.equal({auths: {}});
    });

    it('an auth file that cannot be written is a one-line error naming it and --authfile', () => {
      fs.mkdirSync(home, {recursive: true});
      fs.writeFileSync(path.join(home, 'not-a-dir'), '');
      const e = throws(() => storeCredentials({...loc, authfile: path.join(home, 'not-a-dir', 'auth.json')}, 'a.example', {username: 'u', password: 'p'}));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.match(/cannot write credentials to .*not-a-dir\/auth\.json/);
      expect((e as HostConfigError).hint).to.contain('--authfile');
    });

    it('a set but missing XDG_RUNTIME_DIR is reported, not created', () => {
      const gone = path.join(tmp, 'gone');
      const e = throws(() => storeCredentials({...loc, env: {XDG_RUNTIME_DIR: gone}}, 'a.example', {username: 'u', password: 'p'}));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain(gone);
      expect(fs.existsSync(gone)).to.equal(false);
    });

    it('keeps other entries and unknown top-level keys, and replaces the entry for the key', () => {
      const file = put(runtimeFile(), {auths: {'a.example': entry('a', '1'), 'b.example': {auth: b64('b:2'), identitytoken: 'old'}}, credHelpers: {'c.example': 'x'}, extra: {keep: true}});
      fs.chmodSync(file, 0o644);
      storeCredentials(loc, 'b.example/team', {username: 'bt', password: '3'});
      storeCredentials(loc, 'b.example', {username: 'b', password: '4'});
      expect(read(file)).to.deep.equal({
        auths: {'a.example': entry('a', '1'), 'b.example': entry('b', '4'), 'b.example/team': entry('bt', '3')},
        credHelpers: {'c.example': 'x'},
        extra: {keep: true},
      });
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
    });

    it('writes only to the explicit file when one is given', async () => {
      const explicit = path.join(tmp, 'sub', 'my-auth.json');
      expect(storeCredentials({...loc, authfile: explicit}, 'a.example', {username: 'u', password: 'p'})).to.equal(explicit);
      expect(fs.existsSync(runtimeFile())).to.equal(false);
      expect(await lookupCredentials({...loc, authfile: explicit}, 'a.example/x')).to.deep.equal({username: 'u', password: 'p'});
      const viaEnv = path.join(tmp, 'env-auth.json');
      expect(storeCredentials({...loc, env: {...loc.env, REGISTRY_AUTH_FILE: viaEnv}}, 'a.example', {username: 'u', password: 'p'})).to.equal(viaEnv);
    });

    it('refuses a malformed write file rather than overwriting it', () => {
      const f = put(runtimeFile(), 'not json');
      expect(throws(() => storeCredentials(loc, 'a.example', {username: 'u', password: 'p'}))).to.be.instanceOf(HostConfigError);
      expect(fs.readFileSync(f, 'utf8')).to.equal('not json');
    });

    it('logout removes only the exact key from the write file', () => {
      const file = put(runtimeFile(), {auths: {'a.example': entry('a', '1'), 'a.example/ns': entry('n', '2')}, other: 1});
      put(configFile(), {auths: {'a.example': entry('cfg', 'c')}});
      expect(removeCredentials(loc, 'a.example')).to.equal(true);
      expect(read(file)).to.deep.equal({auths: {'a.example/ns': entry('n', '2')}, other: 1});
      expect(removeCredentials(loc, 'a.example')).to.equal(false);
      expect(read(configFile()).auths).to.have.property('a.example');
    });

    it('logout --all empties the write file\'s auths and leaves other files alone', () => {
      const file = put(runtimeFile(), {auths: {'a.example': entry('a', '1'), 'b.example': entry('b', '2')}, other: 1});
      put(dockerFile(), {auths: {'a.example': entry('d', 'd')}});
      expect(removeCredentials(loc)).to.equal(true);
      expect(read(file)).to.deep.equal({auths: {}, other: 1});
      expect(removeCredentials(loc)).to.equal(false);
      expect(read(dockerFile()).auths).to.have.property('a.example');
    });

    it('logout without a write file removes nothing', () => {
      expect(removeCredentials(loc, 'a.example')).to.equal(false);
      expect(removeCredentials(loc)).to.equal(false);
      expect(fs.existsSync(runtimeFile())).to.equal(false);
    });
  });
});
