// containers.conf: Podman's file order, per-key merging, env overrides, {append=true} arrays, type errors.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError} from '../../src/errors';
import {containersConfFiles, loadContainersConfig, type ContainersConfLocations} from '../../src/config/containers-conf';
import {caught, putFile} from '../support/fixtures';

describe('unit: config/containers-conf', () => {
  let tmp: string;
  let share: string;
  let etc: string;
  let home: string;
  let loc: ContainersConfLocations;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-ctrconf-'));
    share = path.join(tmp, 'usr-share');
    etc = path.join(tmp, 'etc');
    home = path.join(tmp, 'home');
    loc = {env: {}, home, usrShareDir: share, etcDir: etc};
  });
  afterEach(() => fs.rmSync(tmp, {recursive: true, force: true}));

  const put = putFile;
  const userConf = (rel: string) => path.join(home, '.config', 'containers', rel);
  const err = caught;

  it('is empty when no file exists', () => {
    expect(loadContainersConfig(loc)).to.deep.equal({engine: {}, network: {}, containers: {}, sources: []});
  });

  it('reads vendor, admin, admin drop-ins, user, user drop-ins in that order, merging key by key', () => {
    const a = put(path.join(share, 'containers.conf'), '[engine]\nruntime = "crun"\nretry = 3\nretry_delay = "2s"\n[containers]\nenv = ["A=1"]\n');
    const b = put(path.join(etc, 'containers.conf'), '[engine]\nretry = 5\n');
    const c2 = put(path.join(etc, 'containers.conf.d', '20.conf'), '[network]\ndefault_rootless_network_cmd = "pasta"\n');
    const c1 = put(path.join(etc, 'containers.conf.d', '10.conf'), '[engine]\nimage_parallel_copies = 4\n');
    put(path.join(etc, 'containers.conf.d', 'notes.txt'), 'not toml [');
    const d = put(userConf('containers.conf'), '[engine]\nruntime = "runc"\n');
    const e = put(userConf('containers.conf.d/99.conf'), '[network]\ndefault_rootless_network_cmd = "slirp4netns"\n');
    const cfg = loadContainersConfig(loc);
    expect(cfg.sources).to.deep.equal([a, b, c1, c2, d, e]);
    expect(cfg.engine).to.deep.equal({runtime: 'runc', retry: 5, retry_delay: '2s', image_parallel_copies: 4});
    expect(cfg.network).to.deep.equal({default_rootless_network_cmd: 'slirp4netns'});
    expect(cfg.containers).to.deep.equal({env: ['A=1']});
  });

  it('the user file follows XDG_CONFIG_HOME', () => {
    const x = put(path.join(tmp, 'xdg', 'containers', 'containers.conf'), '[engine]\nimage_default_transport = "docker://"\n');
    const cfg = loadContainersConfig({...loc, env: {XDG_CONFIG_HOME: path.join(tmp, 'xdg')}});
    expect(cfg.sources).to.deep.equal([x]);
    expect(cfg.engine.image_default_transport).to.equal('docker://');
  });

  it('root reads no per-user file', () => {
    put(userConf('containers.conf'), '[engine]\nruntime = "runc"\n');
    expect(loadContainersConfig({...loc, rootless: false}).engine.runtime).to.equal(undefined);
  });

  it('CONTAINERS_CONF is the only file; CONTAINERS_CONF_OVERRIDE is added last', () => {
    put(path.join(etc, 'containers.conf'), '[engine]\nruntime = "crun"\n');
    put(userConf('containers.conf'), '[engine]\nretry = 9\n');
    const only = put(path.join(tmp, 'only.conf'), '[engine]\nretry = 1\nruntime = "youki"\n');
    const over = put(path.join(tmp, 'over.conf'), '[engine]\nruntime = "krun"\n');
    let cfg = loadContainersConfig({...loc, env: {CONTAINERS_CONF: only}});
    expect(cfg.sources).to.deep.equal([only]);
    expect(cfg.engine).to.deep.equal({retry: 1, runtime: 'youki'});
    cfg = loadContainersConfig({...loc, env: {CONTAINERS_CONF: only, CONTAINERS_CONF_OVERRIDE: over}});
    expect(cfg.sources).to.deep.equal([only, over]);
    expect(cfg.engine).to.deep.equal({retry: 1, runtime: 'krun'});
    cfg = loadContainersConfig({...loc, env: {CONTAINERS_CONF_OVERRIDE: over}});
    expect(cfg.engine).to.deep.equal({retry: 9, runtime: 'krun'});
  });

  it('CONTAINERS_CONF or _OVERRIDE naming a missing file is an error', () => {
    for (const name of ['CONTAINERS_CONF', 'CONTAINERS_CONF_OVERRIDE']) {
      const e = err(() => containersConfFiles({...loc, env: {[name]: path.join(tmp, 'missing.conf')}}));
      expect(e).to.be.instanceOf(HostConfigError);
      expect(e.message).to.contain('missing.conf').and.contain(name);
    }
  });

  it('arrays replace earlier values unless they carry {append = true}', () => {
    put(path.join(share, 'containers.conf'), '[containers]\nenv = ["A=1"]\ndefault_capabilities = ["CHOWN", "cap_kill"]\n[engine]\nenv = ["X=1"]\n');
    put(path.join(etc, 'containers.conf'), '[containers]\nenv = ["B=2", {append = true}]\ndefault_capabilities = ["net_bind_service"]\n[engine]\nenv = ["Y=2"]\n');
    const cfg = loadContainersConfig(loc);
    expect(cfg.containers.env).to.deep.equal(['A=1', 'B=2']);
    expect(cfg.containers.default_capabilities).to.deep.equal(['CAP_NET_BIND_SERVICE']);
    expect(cfg.engine.env).to.deep.equal(['Y=2']);
  });

  it('capabilities are normalised to CAP_ names', () => {
    put(path.join(etc, 'containers.conf'), '[containers]\ndefault_capabilities = ["chown", "CAP_KILL", "cap_setuid"]\n');
    expect(loadContainersConfig(loc).containers.default_capabilities).to.deep.equal(['CAP_CHOWN', 'CAP_KILL', 'CAP_SETUID']);
  });

  it('ignores unknown keys and tables', () => {
    put(path.join(etc, 'containers.conf'), '[engine]\ncgroup_manager = "systemd"\nruntime = "crun"\n[machine]\ncpus = 4\n[engine.runtimes]\ncrun = ["/usr/bin/crun"]\n');
    expect(loadContainersConfig(loc).engine).to.deep.equal({runtime: 'crun'});
  });

  it('wrong types for keys burrow uses name the file and the key', () => {
    const cases: [string, string][] = [
      ['[engine]\nretry = "3"\n', 'engine.retry'],
      ['[engine]\nretry = -1\n', 'engine.retry'],
      ['[engine]\nimage_parallel_copies = 1.5\n', 'engine.image_parallel_copies'],
      ['[engine]\nretry_delay = "soon"\n', 'engine.retry_delay'],
      ['[engine]\nretry_delay = 2\n', 'engine.retry_delay'],
      ['[engine]\nruntime = ["crun"]\n', 'engine.runtime'],
      ['[containers]\nenv = "A=1"\n', 'containers.env'],
      ['[containers]\ndefault_capabilities = ["CHOWN", 1]\n', 'containers.default_capabilities'],
      ['[network]\ndefault_rootless_network_cmd = true\n', 'network.default_rootless_network_cmd'],
      ['engine = 1\n', '[engine]'],
    ];
    for (const [text, key] of cases) {
      const f = put(path.join(etc, 'containers.conf'), text);
      const e = err(() => loadContainersConfig(loc));
      expect(e, text).to.be.instanceOf(HostConfigError);
      expect(e.message, text).to.contain(f).and.contain(key);
    }
  });

  it('reads the log keys: log_driver, log_size_max (an integer, -1 allowed), log_tag', () => {
    put(path.join(etc, 'containers.conf'), '[containers]\nlog_driver = "none"\nlog_size_max = -1\nlog_tag = "t"\n');
    put(userConf('containers.conf'), '[containers]\nlog_size_max = 4096\n');
    expect(loadContainersConfig(loc).containers).to.deep.equal({log_driver: 'none', log_size_max: 4096, log_tag: 't'});
    put(userConf('containers.conf'), '[containers]\nlog_size_max = "1m"\n');
    expect(err(() => loadContainersConfig(loc)).message).to.contain('containers.log_size_max must be an integer');
  });

  it('accepts Go durations', () => {
    for (const d of ['0', '2s', '1m30s', '1.5h', '300ms', '10us']) {
      put(path.join(etc, 'containers.conf'), `[engine]\nretry_delay = "${d}"\n`);
      expect(loadContainersConfig(loc).engine.retry_delay).to.equal(d);
    }
  });

  it('bad TOML names the file and line', () => {
    const f = put(path.join(etc, 'containers.conf.d', 'x.conf'), '[engine]\nruntime = \n');
    const e = err(() => loadContainersConfig(loc));
    expect(e).to.be.instanceOf(HostConfigError);
    expect(e.message).to.contain(`${f}:2:`);
    expect((e as HostConfigError).hint).to.equal('fix or remove the file');
  });
});
