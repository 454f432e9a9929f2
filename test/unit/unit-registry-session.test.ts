// RegistrySession: turning what the user typed into the fully qualified names to try (aliases, search
// registries, Docker Hub's library/ namespace, short-name-mode), --creds, and transport settings.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError} from '../../src/errors';
import {parseCreds, RegistrySession, type RegistryOptions} from '../../src/registry/registry-session';
import {caughtAs} from '../support/fixtures';

// Names chosen so that no system drop-in (e.g. /etc/containers/registries.conf.d/shortnames.conf) aliases them.
const APP = 'burrowtestapp';
const TOOL = 'burrowtesttool';
const DIGEST = `sha256:${'e'.repeat(64)}`;

describe('unit: registry/registry-session', () => {
  let tmp: string;
  let env: NodeJS.ProcessEnv;
  let confFile: string;
  const sessions: RegistrySession[] = [];

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-regsession-'));
    const dir = (n: string) => {
      const d = path.join(tmp, n);
      fs.mkdirSync(d, {recursive: true});
      return d;
    };
    confFile = path.join(tmp, 'registries.conf');
    const containersConf = path.join(tmp, 'containers.conf');
    fs.writeFileSync(containersConf, '');
    env = {
      HOME: dir('home'), XDG_CONFIG_HOME: dir('xdg-config'), XDG_CACHE_HOME: dir('xdg-cache'), XDG_RUNTIME_DIR: dir('run'),
      CONTAINERS_REGISTRIES_CONF: confFile, CONTAINERS_CONF: containersConf, PATH: process.env.PATH,
    };
    // A user registries.conf that must be ignored: the environment variable names the file to use.
    fs.mkdirSync(path.join(env.HOME!, '.config', 'containers'), {recursive: true});
    fs.writeFileSync(path.join(env.HOME!, '.config', 'containers', 'registries.conf'), 'unqualified-search-registries = ["ignored.example"]\n');
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.close();
    fs.rmSync(tmp, {recursive: true, force: true});
  });

  const session = (conf: string, opts: RegistryOptions = {}): RegistrySession => {
    fs.writeFileSync(confFile, conf);
    const s = new RegistrySession(opts, {uid: 1000, rootless: true}, env);
    sessions.push(s);
    return s;
  };
  const invalid = (fn: () => unknown) => caughtAs(InvalidInputError, fn);

  const TWO = 'unqualified-search-registries = ["quay.io", "docker.io"]\n';
  const ENFORCING = `${TWO}short-name-mode = "enforcing"\n`;

  it('reads the file CONTAINERS_REGISTRIES_CONF names, not the user file', () => {
    const s = session(TWO);
    expect(s.registries.unqualifiedSearchRegistries).to.deep.equal(['quay.io', 'docker.io']);
    expect(s.registries.sources[0]).to.equal(confFile);
  });

  describe('candidates', () => {
    it('passes fully qualified names through, keeping tag and digest, even when short names would be ambiguous', () => {
      const s = session(ENFORCING);
      const a = s.candidates('quay.io/org/app:1.0');
      expect(a.names).to.deep.equal(['quay.io/org/app']);
      expect(a.shortName).to.equal(undefined);
      expect(a.ref).to.include({domain: 'quay.io', path: 'org/app', tag: '1.0', short: false});
      const b = s.candidates(`localhost:5000/a/b@${DIGEST}`);
      expect(b.names).to.deep.equal(['localhost:5000/a/b']);
      expect(b.ref.digest).to.equal(DIGEST);
      expect(session('').candidates('registry.example.com/x').names).to.deep.equal(['registry.example.com/x']);
    });

    it('puts one-component Docker Hub names in library/, also for a fully qualified docker.io or index.docker.io name', () => {
      const s = session('');
      expect(s.candidates(`docker.io/${TOOL}:1`).names).to.deep.equal([`docker.io/library/${TOOL}`]);
      expect(s.candidates(`index.docker.io/${TOOL}`).names).to.deep.equal([`docker.io/library/${TOOL}`]);
      expect(s.candidates('docker.io/org/tool').names).to.deep.equal(['docker.io/org/tool']);
      expect(s.candidates(`docker.io/library/${TOOL}`).names).to.deep.equal([`docker.io/library/${TOOL}`]);
      expect(s.candidates(`docker.io/${TOOL}:1`).ref).to.include({domain: 'docker.io', path: `library/${TOOL}`, tag: '1'});
    });

    it('tries each search registry in order, adding library/ for docker.io one-component names only', () => {
      const s = session(TWO);
      const c = s.candidates(`${TOOL}:3`);
      expect(c.names).to.deep.equal([`quay.io/${TOOL}`, `docker.io/library/${TOOL}`]);
      expect(c.shortName).to.equal(TOOL);
      expect(c.ref).to.include({short: true, tag: '3'});
      expect(s.candidates(`org/${TOOL}`).names).to.deep.equal([`quay.io/org/${TOOL}`, `docker.io/org/${TOOL}`]);
    });

    it('lets an alias win over the search registries, even in enforcing mode', () => {
      const s = session(`${ENFORCING}[aliases]\n"${APP}" = "quay.io/team/${APP}"\n"hub${APP}" = "docker.io/${APP}"\n`);
      const c = s.candidates(`${APP}:2`);
      expect(c.names).to.deep.equal([`quay.io/team/${APP}`]);
      expect(c.shortName).to.equal(APP);
      expect(c.ref).to.include({domain: 'quay.io', path: `team/${APP}`, tag: '2', short: false});
      // alias targets are normalised like Docker Hub names
      expect(s.candidates(`hub${APP}`).names).to.deep.equal([`docker.io/library/${APP}`]);
    });

    it('uses aliases recorded in the user\'s short-name alias cache', () => {
      const cache = path.join(env.XDG_CACHE_HOME!, 'containers', 'short-name-aliases.conf');
      fs.mkdirSync(path.dirname(cache), {recursive: true});
      fs.writeFileSync(cache, `[aliases]\n"${APP}" = "registry.example.com/cached/${APP}"\n`);
      expect(session(ENFORCING).candidates(APP).names).to.deep.equal([`registry.example.com/cached/${APP}`]);
    });

    it('refuses an ambiguous short name in enforcing mode, naming every candidate', () => {
      const e = invalid(() => session(ENFORCING).candidates(TOOL));
      expect(e.message).to.contain(`short name "${TOOL}"`);
      expect(e.message).to.contain(`quay.io/${TOOL}, docker.io/library/${TOOL}`);
      expect(e.message).to.contain('enforcing');
      expect(e.hint).to.contain('[aliases]');
    });

    it('accepts a short name in enforcing mode when only one search registry is configured', () => {
      const s = session('unqualified-search-registries = ["docker.io"]\nshort-name-mode = "enforcing"\n');
      expect(s.candidates(TOOL).names).to.deep.equal([`docker.io/library/${TOOL}`]);
    });

    it('refuses a short name when no search registries are configured, with a hint naming the fixes', () => {
      const e = invalid(() => session('').candidates(`${TOOL}:latest`));
      expect(e.message).to.contain(`short name "${TOOL}:latest"`);
      expect(e.message).to.contain('no unqualified-search-registries');
      expect(e.hint).to.contain(`docker.io/library/${TOOL}`);
      expect(e.hint).to.contain('unqualified-search-registries');
      expect(e.hint).to.contain('registries.conf');
    });

    it('refuses invalid references before looking anything up', () => {
      expect(invalid(() => session(TWO).candidates('Bad Name')).message).to.contain('invalid image reference');
    });
  });

  describe('parseCreds', () => {
    it('splits USER:PASS at the first colon', () => {
      expect(parseCreds('alice:secret')).to.deep.equal({username: 'alice', password: 'secret'});
      expect(parseCreds('alice:se:cr:et')).to.deep.equal({username: 'alice', password: 'se:cr:et'});
      expect(parseCreds('a: b ')).to.deep.equal({username: 'a', password: ' b '});
    });

    it('refuses a missing user, password or colon (burrow does not prompt)', () => {
      for (const s of ['alice', ':secret', 'alice:', '', ':']) {
        const e = invalid(() => parseCreds(s));
        expect(e.message).to.contain('USERNAME:PASSWORD');
        expect(e.hint).to.contain('burrow login');
      }
    });
  });

  describe('transport', () => {
    it('applies --creds, --tls-verify=false and --retry, and shares one transport per host', async () => {
      const s = session('[[registry]]\nlocation = "insecure.example:5000"\ninsecure = true\n', {creds: 'bob:pw', retries: 7, retryDelayMs: 5});
      const t = await s.transport('quay.io', false);
      expect(t.opts.credentials).to.deep.equal({username: 'bob', password: 'pw'});
      expect(t.opts).to.include({insecure: false, retries: 7, retryDelayMs: 5});
      expect(await s.transport('quay.io', false)).to.equal(t);
      expect((await s.transport('insecure.example:5000', true)).opts.insecure).to.equal(true);
      const off = session('', {tlsVerify: false});
      expect((await off.transport('quay.io', false)).opts.insecure).to.equal(true);
      const on = session('', {tlsVerify: true});
      expect((await on.transport('insecure.example:5000', true)).opts.insecure).to.equal(false);
    });

    it('takes retries and the retry delay from containers.conf when no flag is given', async () => {
      fs.writeFileSync(env.CONTAINERS_CONF!, '[engine]\nretry = 2\nretry_delay = "250ms"\n');
      const t = await session('').transport('quay.io', false);
      expect(t.opts).to.include({retries: 2, retryDelayMs: 250});
      expect(t.opts.credentials).to.equal(undefined);
    });
  });
});
