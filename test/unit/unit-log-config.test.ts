// Log drivers and --log-opt as Podman takes them, containers.conf defaults, conmon's arguments.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {HostConfigError, InvalidInputError} from '../../src/errors';
import {conmonLogArgs, logFilePath, parseHumanSize, resolveLogConfig, unreadableLogReason} from '../../src/runtime/log-config';
import {compactHumanSize} from '../../src/format/human';
import {caughtAs} from '../support/fixtures';

describe('unit: runtime/log-config', () => {
  let dir: string;
  let socket: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-logcfg-'));
    socket = path.join(dir, 'journal.socket');
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('defaults to k8s-file with no size, or to containers.conf log_driver / log_size_max / log_tag', () => {
    expect(resolveLogConfig(undefined, [], {}, socket)).to.deep.equal({driver: 'k8s-file'});
    expect(resolveLogConfig(undefined, [], {log_driver: 'none', log_size_max: 2048, log_tag: 't'}, socket)).to.deep.equal({driver: 'none', size: 2048, tag: 't'});
    // -1 (containers.conf's default) and 0 mean no limit
    expect(resolveLogConfig(undefined, [], {log_size_max: -1}, socket)).to.deep.equal({driver: 'k8s-file'});
    expect(resolveLogConfig(undefined, ['max-size=0'], {log_size_max: 5000}, socket)).to.deep.equal({driver: 'k8s-file'});
  });

  it('the flag wins over containers.conf, and each option is read', () => {
    const logFile = path.join(dir, 'web.log');
    expect(resolveLogConfig('passthrough', ['max-size=10mb', `path=${logFile}`, 'TAG=web', 'unknown=kept-quiet'], {log_driver: 'none', log_size_max: 5}, socket))
      .to.deep.equal({driver: 'passthrough', size: 10_000_000, path: logFile, tag: 'web'});
    expect(resolveLogConfig('json-file', [], {}, socket).driver).to.equal('json-file');
  });

  it('refuses an unknown driver, an option without =, a bad size, a path in a missing directory or with a colon', () => {
    expect(caughtAs(InvalidInputError, () => resolveLogConfig('syslog', [], {}, socket)).message).to.equal('invalid log driver "syslog"');
    expect(caughtAs(InvalidInputError, () => resolveLogConfig(undefined, ['max-size'], {}, socket)).message).to.equal('invalid log option "max-size"');
    expect(caughtAs(InvalidInputError, () => resolveLogConfig(undefined, ['max-size=abc'], {}, socket)).message).to.equal("invalid size: 'abc'");
    expect(caughtAs(InvalidInputError, () => resolveLogConfig(undefined, [`path=${dir}/no/x.log`], {}, socket)).message).to.contain(`directory ${dir}/no does not exist`);
    expect(caughtAs(InvalidInputError, () => resolveLogConfig(undefined, [`path=${dir}/a:b.log`], {}, socket)).message).to.contain("contains ':'");
  });

  it('journald without a journal socket is a host error naming the socket', () => {
    const e = caughtAs(HostConfigError, () => resolveLogConfig('journald', [], {}, socket));
    expect(e.message).to.equal(`log driver journald: the systemd journal is not running on this host (${socket} does not exist)`);
    expect(e.hint).to.contain('k8s-file');
  });

  it('parses sizes as go-units FromHumanSize: decimal, any case, optional i and b', () => {
    expect(parseHumanSize('100')).to.equal(100);
    expect(parseHumanSize('512k')).to.equal(512_000);
    expect(parseHumanSize('10MiB')).to.equal(10_000_000);
    expect(parseHumanSize('1.5g')).to.equal(1_500_000_000);
    expect(parseHumanSize('2 KB')).to.equal(2000);
    for (const bad of ['', 'abc', '-5', '10x', '1e3']) expect(() => parseHumanSize(bad), bad).to.throw(InvalidInputError);
  });

  it('inspect shows the size as go-units HumanSize', () => {
    expect(compactHumanSize(0)).to.equal('0B');
    expect(compactHumanSize(100)).to.equal('100B');
    expect(compactHumanSize(10_000_000)).to.equal('10MB');
    expect(compactHumanSize(10_485_760)).to.equal('10.49MB');
    expect(compactHumanSize(2048)).to.equal('2.048kB');
  });

  it('gives conmon -l DRIVER:PATH, --log-size-max for k8s-file and --log-tag only for journald', () => {
    expect(conmonLogArgs(undefined, '/u/ctr.log')).to.deep.equal(['-l', 'k8s-file:/u/ctr.log']);
    expect(conmonLogArgs({driver: 'json-file', size: 1000, tag: 'x'}, '/u/ctr.log')).to.deep.equal(['-l', 'k8s-file:/u/ctr.log', '--log-size-max', '1000']);
    expect(conmonLogArgs({driver: 'none', size: 1000}, '/u/ctr.log')).to.deep.equal(['-l', 'none:/u/ctr.log']);
    expect(conmonLogArgs({driver: 'passthrough'}, '/u/ctr.log')).to.deep.equal(['-l', 'passthrough:/u/ctr.log']);
    expect(conmonLogArgs({driver: 'journald', tag: 'web'}, '/u/ctr.log')).to.deep.equal(['-l', 'journald:/u/ctr.log', '--log-tag', 'web']);
  });

  it('the log file is path= when given, else the default; none and passthrough have nothing to read', () => {
    expect(logFilePath(undefined, '/d/ctr.log')).to.equal('/d/ctr.log');
    expect(logFilePath({driver: 'k8s-file', path: '/x.log'}, '/d/ctr.log')).to.equal('/x.log');
    expect(unreadableLogReason({driver: 'none'})).to.equal("this container is using the 'none' log driver, cannot read logs: this container is not logging output");
    expect(unreadableLogReason({driver: 'passthrough'})).to.contain("'passthrough' log driver");
    expect(unreadableLogReason(undefined)).to.equal(undefined);
    expect(unreadableLogReason({driver: 'json-file'})).to.equal(undefined);
  });
});
