// Health checks: how --health-* and the image's HEALTHCHECK become the stored config, and how results
// move the record (streak, retries, start period, the last five entries).
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {effectiveHealth, healthTest, resolveHealthcheck, systemdSpan, NS_PER_MS} from '../../src/runtime/health-config';
import {applyResult, initialHealth, MAX_LOG_ENTRIES, type HealthRecord} from '../../src/runtime/health-state';
import {caughtAs} from '../support/fixtures';

const S = 1000 * NS_PER_MS;

describe('unit: runtime/health-config', () => {
  it('a command line becomes CMD-SHELL; a JSON array becomes CMD; explicit CMD/CMD-SHELL/NONE are kept', () => {
    expect(healthTest('curl -f http://x/ || exit 1')).to.deep.equal(['CMD-SHELL', 'curl -f http://x/ || exit 1']);
    expect(healthTest('["/bin/check", "--quick"]')).to.deep.equal(['CMD', '/bin/check', '--quick']);
    expect(healthTest('["CMD-SHELL", "test -e /ok"]')).to.deep.equal(['CMD-SHELL', 'test -e /ok']);
    expect(healthTest('["cmd", "true"]')).to.deep.equal(['CMD', 'true']);
    expect(healthTest('["true"]')).to.deep.equal(['CMD-SHELL', 'true']);
    expect(healthTest('none')).to.deep.equal(['NONE']);
    caughtAs(InvalidInputError, () => healthTest(''));
    caughtAs(InvalidInputError, () => healthTest('["CMD"]'));
  });

  it('defaults as Podman: 30s interval and timeout, 3 retries, no start period', () => {
    const r = resolveHealthcheck({cmd: 'true'}, undefined);
    expect(r.config).to.deep.equal({Test: ['CMD-SHELL', 'true'], Interval: 30 * S, Timeout: 30 * S, Retries: 3});
    expect(r.onFailure).to.equal('none');
  });

  it('flags set each field; "disable" turns the schedule off; bad values are refused with the flag named', () => {
    const r = resolveHealthcheck({cmd: 'true', interval: '1m30s', timeout: '5s', retries: 7, startPeriod: '2s', onFailure: 'RESTART'}, undefined);
    expect(r.config).to.deep.equal({Test: ['CMD-SHELL', 'true'], Interval: 90 * S, Timeout: 5 * S, Retries: 7, StartPeriod: 2 * S});
    expect(r.onFailure).to.equal('restart');
    expect(resolveHealthcheck({cmd: 'true', interval: 'disable'}, undefined).config!.Interval).to.equal(0);
    expect(caughtAs(InvalidInputError, () => resolveHealthcheck({cmd: 'true', interval: '500ms'}, undefined)).message).to.contain('--health-interval');
    expect(caughtAs(InvalidInputError, () => resolveHealthcheck({cmd: 'true', timeout: 'soon'}, undefined)).message).to.contain('--health-timeout');
    expect(caughtAs(InvalidInputError, () => resolveHealthcheck({cmd: 'true', retries: 0}, undefined)).message).to.contain('--health-retries');
    expect(caughtAs(InvalidInputError, () => resolveHealthcheck({cmd: 'true', onFailure: 'explode'}, undefined)).message).to.contain('--health-on-failure');
  });

  it('the image\'s HEALTHCHECK applies, its zero fields take the defaults, flags override single fields', () => {
    const image = {Test: ['CMD', '/healthz'], Interval: 0, Timeout: 10 * S, Retries: 0};
    expect(resolveHealthcheck({}, image).config).to.deep.equal({Test: ['CMD', '/healthz'], Interval: 30 * S, Timeout: 10 * S, Retries: 3});
    expect(resolveHealthcheck({retries: 5}, image).config!.Retries).to.equal(5);
    expect(resolveHealthcheck({cmd: 'true'}, image).config!.Timeout).to.equal(30 * S);
  });

  it('--no-healthcheck, --health-cmd none and an image NONE leave no health check', () => {
    const image = {Test: ['CMD', '/healthz']};
    expect(resolveHealthcheck({none: true}, image).config).to.equal(undefined);
    expect(resolveHealthcheck({cmd: 'none'}, image).config).to.equal(undefined);
    expect(resolveHealthcheck({}, {Test: ['NONE']}).config).to.equal(undefined);
    expect(resolveHealthcheck({}, undefined).config).to.equal(undefined);
    caughtAs(InvalidInputError, () => resolveHealthcheck({none: true, cmd: 'true'}, undefined));
    caughtAs(InvalidInputError, () => resolveHealthcheck({interval: '10s'}, undefined));
  });

  it('what runs: CMD-SHELL through /bin/sh -c, CMD as given; spans for systemd', () => {
    expect(effectiveHealth({Test: ['CMD-SHELL', 'a && b'], Interval: 0}).argv).to.deep.equal(['/bin/sh', '-c', 'a && b']);
    const e = effectiveHealth({Test: ['CMD', '/bin/x', '-y'], Interval: 5 * S, StartPeriod: 2 * S});
    expect(e).to.deep.equal({argv: ['/bin/x', '-y'], intervalMs: 5000, timeoutMs: 30_000, startPeriodMs: 2000, retries: 3});
    expect(systemdSpan(30_000)).to.equal('30s');
    expect(systemdSpan(1500)).to.equal('1500ms');
  });
});

describe('unit: runtime/health-state', () => {
  const t0 = Date.parse('2026-01-01T00:00:00Z');
  const at = (s: number, exitCode: number) => ({start: new Date(t0 + s * 1000), end: new Date(t0 + s * 1000 + 100), exitCode, output: `run at ${s}`});
  const opts = {retries: 3, startPeriodMs: 0, startedAt: new Date(t0).toISOString()};

  it('starts as "starting"; a pass makes it healthy', () => {
    const h = applyResult(initialHealth(), at(1, 0), opts);
    expect(h.Status).to.equal('healthy');
    expect(h.FailingStreak).to.equal(0);
    expect(h.Log).to.have.length(1);
    expect(h.Log[0]).to.include({ExitCode: 0, Output: 'run at 1'});
  });

  it('failures grow the streak; reaching retries makes it unhealthy; a pass resets it', () => {
    let h: HealthRecord = applyResult(initialHealth(), at(1, 0), opts);
    h = applyResult(h, at(2, 1), opts);
    expect(h).to.include({Status: 'healthy', FailingStreak: 1});
    h = applyResult(h, at(3, 1), opts);
    expect(h).to.include({Status: 'healthy', FailingStreak: 2});
    h = applyResult(h, at(4, 1), opts);
    expect(h).to.include({Status: 'unhealthy', FailingStreak: 3});
    h = applyResult(h, at(5, 1), opts);
    expect(h).to.include({Status: 'unhealthy', FailingStreak: 4});
    h = applyResult(h, at(6, 0), opts);
    expect(h).to.include({Status: 'healthy', FailingStreak: 0});
  });

  it('failures inside the start period are logged but not counted', () => {
    const sp = {...opts, retries: 1, startPeriodMs: 10_000};
    let h = applyResult(initialHealth(), at(2, 1), sp);
    expect(h).to.include({Status: 'starting', FailingStreak: 0});
    expect(h.Log).to.have.length(1);
    h = applyResult(h, at(11, 1), sp);
    expect(h).to.include({Status: 'unhealthy', FailingStreak: 1});
  });

  it('keeps the last five results and 500 characters of output; a restart keeps the log', () => {
    let h = initialHealth();
    for (let i = 0; i < 8; i++) h = applyResult(h, {...at(i, 0), output: 'x'.repeat(600)}, opts);
    expect(h.Log).to.have.length(MAX_LOG_ENTRIES);
    expect(h.Log[0].Start).to.equal(new Date(t0 + 3000).toISOString());
    expect(h.Log[4].Output).to.have.length(500);
    const again = initialHealth(h);
    expect(again).to.include({Status: 'starting', FailingStreak: 0});
    expect(again.Log).to.have.length(5);
  });
});
