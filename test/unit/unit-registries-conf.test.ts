// registries.conf: file precedence, drop-ins, v1/v2 formats, prefix matching, mirrors, blocked, aliases.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError} from '../../src/errors';
import {
  findRegistry, loadRegistriesConfig, pullSources, pushTarget, recordAlias, type ConfigLocations, type RegistriesConfig,
} from '../../src/config/registries-conf';
import {caught, putFile} from '../support/fixtures';

describe('unit: config/registries-conf', () => {
  let tmp: string;
  let etc: string;
  let home: string;
  let loc: ConfigLocations;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-regconf-'));
    etc = path.join(tmp, 'etc');
    home = path.join(tmp, 'home');
    fs.mkdirSync(etc, {recursive: true});
    fs.mkdirSync(home, {recursive: true});
    loc = {env: {}, home, etcDir: etc};
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const put = putFile;
  const etcFile = (rel: string, text: string) => put(path.join(etc, rel), text);
  const userFile = (rel: string, text: string) => put(path.join(home, '.config', 'containers', rel), text);
  const err = caught;

  describe('files and precedence', () => {
    it('returns defaults when no file exists', () => {
      const c = loadRegistriesConfig(loc);
      expect(c.unqualifiedSearchRegistries).to.deep.equal([]);
      expect(c.shortNameMode).to.equal('permissive');
      expect(c.registries).to.deep.equal([]);
      expect([...c.aliases]).to.deep.equal([]);
      expect(c.sources).to.deep.equal([]);
    });

    it('reads the system file and then system and user drop-ins, each directory sorted by name', () => {
      const main = etcFile('registries.conf', 'unqualified-search-registries = ["a.example"]\nshort-name-mode = "enforcing"\n');
      const d2 = etcFile('registries.conf.d/20-b.conf', 'unqualified-search-registries = ["b.example"]\n');
      const d1 = etcFile('registries.conf.d/10-a.conf', 'short-name-mode = "disabled"\n');
      etcFile('registries.conf.d/ignored.txt', 'not toml at all [');
      fs.mkdirSync(path.join(etc, 'registries.conf.d', 'sub.conf'));
      const u = userFile('registries.conf.d/00-user.conf', 'unqualified-search-registries = ["u.example"]\n');
      const c = loadRegistriesConfig(loc);
      expect(c.sources).to.deep.equal([main, d1, d2, u]);
      // the user drop-in comes after the system ones even though its name sorts first
      expect(c.unqualifiedSearchRegistries).to.deep.equal(['u.example']);
      expect(c.shortNameMode).to.equal('disabled');
    });

    it("a user registries.conf replaces the system file and shuts out the system drop-ins", () => {
      etcFile('registries.conf', 'unqualified-search-registries = ["sys.example"]\n');
      etcFile('registries.conf.d/10.conf', 'short-name-mode = "disabled"\n');
      const user = userFile('registries.conf', 'unqualified-search-registries = ["user.example"]\n');
      const ud = userFile('registries.conf.d/10.conf', 'short-name-mode = "enforcing"\n');
      const c = loadRegistriesConfig(loc);
      expect(c.sources).to.deep.equal([user, ud]);
      expect(c.unqualifiedSearchRegistries).to.deep.equal(['user.example']);
      expect(c.shortNameMode).to.equal('enforcing');
    });

    it('the user file is found under $HOME/.config even when XDG_CONFIG_HOME points elsewhere (as containers/image does)', () => {
      const user = userFile('registries.conf', 'unqualified-search-registries = ["user.example"]\n');
      put(path.join(tmp, 'xdg', 'containers', 'registries.conf'), 'unqualified-search-registries = ["xdg.example"]\n');
      const c = loadRegistriesConfig({...loc, env: {XDG_CONFIG_HOME: path.join(tmp, 'xdg')}});
      expect(c.sources).to.deep.equal([user]);
    });

    it('CONTAINERS_REGISTRIES_CONF replaces the main file; drop-ins still apply', () => {
      etcFile('registries.conf', 'unqualified-search-registries = ["sys.example"]\n');
      userFile('registries.conf', 'unqualified-search-registries = ["user.example"]\n');
      const env = put(path.join(tmp, 'custom.conf'), 'unqualified-search-registries = ["env.example"]\nshort-name-mode = "enforcing"\n');
      const d = etcFile('registries.conf.d/10.conf', 'short-name-mode = "disabled"\n');
      const c = loadRegistriesConfig({...loc, env: {CONTAINERS_REGISTRIES_CONF: env}});
      expect(c.sources).to.deep.equal([env, d]);
      expect(c.unqualifiedSearchRegistries).to.deep.equal(['env.example']);
      expect(c.shortNameMode).to.equal('disabled');
    });

    it('a CONTAINERS_REGISTRIES_CONF that does not exist is an error', () => {
      const e = err(() => loadRegistriesConfig({...loc, env: {CONTAINERS_REGISTRIES_CONF: path.join(tmp, 'nope.conf')}}));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain('nope.conf');
      expect((e as HostConfigError).hint).to.contain('CONTAINERS_REGISTRIES_CONF');
    });

    it('a drop-in replaces a registry with the same prefix whole, keeps others, and an empty search list clears it', () => {
      etcFile('registries.conf', [
        'unqualified-search-registries = ["a.example"]',
        '[[registry]]', 'prefix = "a.example"', 'location = "a.example"', 'insecure = true',
        '[[registry.mirror]]', 'location = "mirror.a"',
        '[[registry]]', 'location = "b.example"', 'blocked = true',
      ].join('\n'));
      etcFile('registries.conf.d/50.conf', [
        'unqualified-search-registries = []',
        '[[registry]]', 'prefix = "a.example"', 'location = "other.a"',
      ].join('\n'));
      const c = loadRegistriesConfig(loc);
      expect(c.unqualifiedSearchRegistries).to.deep.equal([]);
      expect(c.registries.map((r) => [r.prefix, r.location, r.insecure, r.blocked, r.mirrors.length])).to.deep.equal([
        ['a.example', 'other.a', false, false, 0],
        ['b.example', 'b.example', false, true, 0],
      ]);
    });

    it('a drop-in that does not set a key leaves it alone', () => {
      etcFile('registries.conf', 'unqualified-search-registries = ["a.example"]\nshort-name-mode = "enforcing"\n');
      etcFile('registries.conf.d/50.conf', '[aliases]\n"x" = "quay.io/x/x"\n');
      const c = loadRegistriesConfig(loc);
      expect(c.unqualifiedSearchRegistries).to.deep.equal(['a.example']);
      expect(c.shortNameMode).to.equal('enforcing');
    });
  });

  describe('errors', () => {
    it('bad TOML names the file and the line, and hints to fix or remove it', () => {
      const f = etcFile('registries.conf', 'unqualified-search-registries = ["a"]\n[[registry]\nlocation = "x"\n');
      const e = err(() => loadRegistriesConfig(loc));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.match(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: `));
      expect(e.message).to.not.contain('\n');
      expect((e as HostConfigError).hint).to.equal('fix or remove the file');
    });

    it('bad TOML in a drop-in names the drop-in', () => {
      etcFile('registries.conf', '');
      const d = etcFile('registries.conf.d/x.conf', 'a = \n');
      const e = err(() => loadRegistriesConfig(loc));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain(d);
    });

    it('refuses wrong types, unknown modes, URL schemes and pull-from-mirror on a registry', () => {
      const cases: [string, RegExp][] = [
        ['[[registry]]\nlocation = "a.example"\ninsecure = "yes"\n', /insecure must be true or false/],
        ['short-name-mode = "prompt"\n', /short-name-mode "prompt"/],
        ['[[registry]]\nlocation = "https://a.example"\n', /scheme/],
        ['[[registry]]\nlocation = "a.example"\npull-from-mirror = "all"\n', /pull-from-mirror belongs/],
        ['[[registry]]\nlocation = "a.example"\n[[registry.mirror]]\nlocation = "m"\npull-from-mirror = "sometimes"\n', /pull-from-mirror "sometimes"/],
        ['[[registry]]\nlocation = "a.example"\nmirror-by-digest-only = true\n[[registry.mirror]]\nlocation = "m"\npull-from-mirror = "tag-only"\n', /cannot both be set/],
        ['[[registry]]\nprefix = "*.example.com/foo"\n', /wildcard prefix/],
        ['[[registry]]\nprefix = "example.com/foo"\n', /location is empty/],
        ['[[registry]]\nlocation = "a.example"\n[[registry]]\nprefix = "a.example/x"\nlocation = "a.example"\ninsecure = true\n', /different "insecure"/],
        ['unqualified-search-registries = ["not a host"]\n', /not a host/],
        ['[aliases]\n"docker.io/foo" = "docker.io/library/foo"\n', /must not name a registry/],
        ['[aliases]\n"foo" = "foo/bar"\n', /must name a registry/],
        ['[aliases]\n"foo" = "quay.io/foo:1"\n', /must not contain a tag/],
      ];
      for (const [text, re] of cases) {
        const f = etcFile('registries.conf', text);
        const e = err(() => loadRegistriesConfig(loc));
        expect(e, text).to.be.instanceOf(HostConfigError);
        expect(e.message, text).to.match(re);
        expect(e.message, text).to.contain(f);
      }
    });

    it('mixing v1 and v2 in one file is an error, and a drop-in must be v2', () => {
      etcFile('registries.conf', '[registries.search]\nregistries = ["a.example"]\n[[registry]]\nlocation = "b.example"\n');
      expect(err(() => loadRegistriesConfig(loc)).message).to.match(/mixes the v1 format/);
      etcFile('registries.conf', '');
      etcFile('registries.conf.d/1.conf', '[registries.block]\nregistries = ["a.example"]\n');
      expect(err(() => loadRegistriesConfig(loc)).message).to.match(/drop-in files must use the v2 format/);
    });
  });

  describe('v1 format', () => {
    it('turns search, insecure and block lists into the v2 model', () => {
      etcFile('registries.conf', [
        '[registries.search]', 'registries = ["docker.io", "quay.io/"]',
        '[registries.insecure]', 'registries = ["insecure.example:5000", "both.example"]',
        '[registries.block]', 'registries = ["blocked.example", "both.example"]',
      ].join('\n'));
      const c = loadRegistriesConfig(loc);
      expect(c.unqualifiedSearchRegistries).to.deep.equal(['docker.io', 'quay.io']);
      expect(c.registries.map((r) => [r.prefix, r.location, r.insecure, r.blocked])).to.deep.equal([
        ['blocked.example', 'blocked.example', false, true],
        ['both.example', 'both.example', true, true],
        ['insecure.example:5000', 'insecure.example:5000', true, false],
      ]);
      expect(pullSources(c, 'insecure.example:5000/a/b', {byDigest: false})).to.deep.equal([
        {host: 'insecure.example:5000', repository: 'a/b', insecure: true, mirror: false},
      ]);
    });
  });

  describe('findRegistry', () => {
    const cfg = (prefixes: string[]): RegistriesConfig => ({
      unqualifiedSearchRegistries: [], shortNameMode: 'permissive', aliases: new Map(), sources: [],
      registries: prefixes.map((p) => ({prefix: p, location: p.startsWith('*.') ? '' : p, insecure: false, blocked: false, mirrorByDigestOnly: false, mirrors: []})),
    });

    it('picks the longest matching prefix, on path-component boundaries', () => {
      const c = cfg(['example.com', 'example.com/foo', 'example.com/foo/bar']);
      expect(findRegistry(c, 'example.com/foo/bar/img')?.prefix).to.equal('example.com/foo/bar');
      expect(findRegistry(c, 'example.com/foo/baz')?.prefix).to.equal('example.com/foo');
      expect(findRegistry(c, 'example.com/foobar/x')?.prefix).to.equal('example.com');
      expect(findRegistry(c, 'example.com')?.prefix).to.equal('example.com');
      expect(findRegistry(c, 'example.community/x')).to.equal(undefined);
      expect(findRegistry(c, 'other.com/foo')).to.equal(undefined);
    });

    it('matches *.domain wildcards against subdomains only, with any port', () => {
      const c = cfg(['*.example.com']);
      expect(findRegistry(c, 'a.example.com/x')?.prefix).to.equal('*.example.com');
      expect(findRegistry(c, 'a.b.example.com:5000/x')?.prefix).to.equal('*.example.com');
      expect(findRegistry(c, 'example.com/x')).to.equal(undefined);
      expect(findRegistry(c, 'a.example.company/x')).to.equal(undefined);
      expect(findRegistry(c, 'other.io/a.example.com/x')).to.equal(undefined);
    });

    it('a longer exact prefix beats a wildcard', () => {
      const c = cfg(['*.example.com', 'a.example.com/team']);
      expect(findRegistry(c, 'a.example.com/team/x')?.prefix).to.equal('a.example.com/team');
      expect(findRegistry(c, 'a.example.com/other/x')?.prefix).to.equal('*.example.com');
    });

    it('loads wildcard entries from a file', () => {
      etcFile('registries.conf', '[[registry]]\nprefix = "*.internal.example"\ninsecure = true\n');
      const c = loadRegistriesConfig(loc);
      expect(pullSources(c, 'reg.internal.example:5000/app', {byDigest: false})).to.deep.equal([
        {host: 'reg.internal.example:5000', repository: 'app', insecure: true, mirror: false},
      ]);
    });
  });

  describe('pullSources and pushTarget', () => {
    const conf = [
      '[[registry]]',
      'prefix = "docker.io"',
      'location = "docker.io"',
      '[[registry.mirror]]',
      'location = "mirror.all.example/hub"',
      '[[registry.mirror]]',
      'location = "mirror.digest.example"',
      'pull-from-mirror = "digest-only"',
      'insecure = true',
      '[[registry.mirror]]',
      'location = "mirror.tag.example"',
      'pull-from-mirror = "tag-only"',
      '',
      '[[registry]]',
      'prefix = "example.com/team"',
      'location = "internal.example:5000/mirror/team"',
      'insecure = true',
      '',
      '[[registry]]',
      'location = "quay.io"',
      'mirror-by-digest-only = true',
      '[[registry.mirror]]',
      'location = "qmirror.example"',
      '',
      '[[registry]]',
      'location = "evil.example"',
      'blocked = true',
    ].join('\n');

    it('lists mirrors by pull-from-mirror, then the primary, with names rewritten', () => {
      etcFile('registries.conf', conf);
      const c = loadRegistriesConfig(loc);
      expect(pullSources(c, 'docker.io/library/busybox', {byDigest: false})).to.deep.equal([
        {host: 'mirror.all.example', repository: 'hub/library/busybox', insecure: false, mirror: true},
        {host: 'mirror.tag.example', repository: 'library/busybox', insecure: false, mirror: true},
        {host: 'docker.io', repository: 'library/busybox', insecure: false, mirror: false},
      ]);
      expect(pullSources(c, 'docker.io/library/busybox', {byDigest: true})).to.deep.equal([
        {host: 'mirror.all.example', repository: 'hub/library/busybox', insecure: false, mirror: true},
        {host: 'mirror.digest.example', repository: 'library/busybox', insecure: true, mirror: true},
        {host: 'docker.io', repository: 'library/busybox', insecure: false, mirror: false},
      ]);
    });

    it('mirror-by-digest-only uses the mirrors for digest pulls only', () => {
      etcFile('registries.conf', conf);
      const c = loadRegistriesConfig(loc);
      expect(pullSources(c, 'quay.io/a/b', {byDigest: false}).map((s) => s.host)).to.deep.equal(['quay.io']);
      expect(pullSources(c, 'quay.io/a/b', {byDigest: true}).map((s) => s.host)).to.deep.equal(['qmirror.example', 'quay.io']);
    });

    it('rewrites prefix to location and carries the insecure flag', () => {
      etcFile('registries.conf', conf);
      const c = loadRegistriesConfig(loc);
      expect(pullSources(c, 'example.com/team/app', {byDigest: false})).to.deep.equal([
        {host: 'internal.example:5000', repository: 'mirror/team/app', insecure: true, mirror: false},
      ]);
      expect(pullSources(c, '127.0.0.1:5000/test/busybox', {byDigest: false})).to.deep.equal([
        {host: '127.0.0.1:5000', repository: 'test/busybox', insecure: false, mirror: false},
      ]);
    });

    it('a blocked registry is refused for pull and push, naming it and the file', () => {
      const f = etcFile('registries.conf', conf);
      const c = loadRegistriesConfig(loc);
      for (const fn of [() => pullSources(c, 'evil.example/x', {byDigest: false}), () => pushTarget(c, 'evil.example/x')]) {
        const e = err(fn);
        expect(e).to.be.instanceOf(InvalidInputError);
        expect(e.message).to.contain('evil.example').and.contain(f);
        expect((e as InvalidInputError).hint).to.contain(f);
      }
    });

    it('push goes to the name as written, never to a mirror, with the entry\'s insecure flag', () => {
      etcFile('registries.conf', conf);
      const c = loadRegistriesConfig(loc);
      expect(pushTarget(c, 'docker.io/library/busybox')).to.deep.equal({host: 'docker.io', repository: 'library/busybox', insecure: false});
      expect(pushTarget(c, 'example.com/team/app')).to.deep.equal({host: 'example.com', repository: 'team/app', insecure: true});
      expect(pushTarget(c, 'localhost:5000/x')).to.deep.equal({host: 'localhost:5000', repository: 'x', insecure: false});
    });
  });

  describe('aliases', () => {
    it('merges aliases per name across files, normalises Hub names, and an empty value resets one', () => {
      etcFile('registries.conf', '[aliases]\n"busybox" = "docker.io/busybox"\n"fedora" = "registry.fedoraproject.org/fedora"\n"ubi8/ubi" = "registry.access.redhat.com/ubi8/ubi"\n');
      etcFile('registries.conf.d/10.conf', '[aliases]\n"fedora" = ""\n"alpine" = "index.docker.io/library/alpine"\n');
      const c = loadRegistriesConfig(loc);
      expect(Object.fromEntries(c.aliases)).to.deep.equal({
        busybox: 'docker.io/library/busybox',
        'ubi8/ubi': 'registry.access.redhat.com/ubi8/ubi',
        alpine: 'docker.io/library/alpine',
      });
    });

    it('recordAlias writes the user cache file (0600, dirs created) and it wins over registries.conf', () => {
      etcFile('registries.conf', '[aliases]\n"busybox" = "docker.io/library/busybox"\n"keep" = "quay.io/keep/keep"\n');
      const cache = path.join(tmp, 'cache');
      const l = {...loc, env: {XDG_CACHE_HOME: cache}};
      recordAlias(l, 'busybox', 'quay.io/mirror/busybox');
      recordAlias(l, 'other', 'docker.io/other');
      const file = path.join(cache, 'containers', 'short-name-aliases.conf');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).to.equal(0o700);
      expect(fs.readdirSync(path.dirname(file))).to.deep.equal(['short-name-aliases.conf']);
      const c = loadRegistriesConfig(l);
      expect(c.sources).to.deep.equal([path.join(etc, 'registries.conf'), file]);
      expect(Object.fromEntries(c.aliases)).to.deep.equal({
        busybox: 'quay.io/mirror/busybox',
        keep: 'quay.io/keep/keep',
        other: 'docker.io/library/other',
      });
    });

    it('the alias cache defaults to ~/.cache', () => {
      recordAlias(loc, 'x', 'quay.io/x/x');
      expect(fs.existsSync(path.join(home, '.cache', 'containers', 'short-name-aliases.conf'))).to.equal(true);
    });

    it('recordAlias refuses a qualified short name or an unqualified target', () => {
      expect(err(() => recordAlias(loc, 'quay.io/x', 'quay.io/x'))).to.be.instanceOf(InvalidInputError);
      expect(err(() => recordAlias(loc, 'x:latest', 'quay.io/x'))).to.be.instanceOf(InvalidInputError);
      expect(err(() => recordAlias(loc, 'x', 'x/y'))).to.be.instanceOf(InvalidInputError);
      expect(err(() => recordAlias(loc, 'x', 'quay.io/x@sha256:' + 'a'.repeat(64)))).to.be.instanceOf(InvalidInputError);
    });

    it('a corrupt alias cache is reported with its name', () => {
      const file = put(path.join(home, '.cache', 'containers', 'short-name-aliases.conf'), '[aliases\n');
      const e = err(() => loadRegistriesConfig(loc));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain(file);
    });
  });
});
