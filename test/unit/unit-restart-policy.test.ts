// --restart parsing and the decision conmon's exit command makes, and `--filter restart-policy=`.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {parseRestartPolicy, restartDecision, restarts} from '../../src/runtime/restart-policy';
import {matchesFilters, parseFilters} from '../../src/engine/container-filter';
import type {ContainerSnapshot} from '../../src/engine/container-views';
import type {ContainerConfig} from '../../src/storage/container-store';
import {caught} from '../support/fixtures';

describe('restart policy', () => {
  it('parses Podman\'s names, with a retry count only for on-failure', () => {
    expect(parseRestartPolicy('no')).to.deep.equal({name: 'no', maxRetries: 0});
    expect(parseRestartPolicy('never')).to.deep.equal({name: 'no', maxRetries: 0});
    expect(parseRestartPolicy('always')).to.deep.equal({name: 'always', maxRetries: 0});
    expect(parseRestartPolicy('unless-stopped')).to.deep.equal({name: 'unless-stopped', maxRetries: 0});
    expect(parseRestartPolicy('on-failure')).to.deep.equal({name: 'on-failure', maxRetries: 0});
    expect(parseRestartPolicy('on-failure:3')).to.deep.equal({name: 'on-failure', maxRetries: 3});
  });

  it('refuses unknown names and bad counts with one line naming the value', () => {
    for (const bad of ['sometimes', 'always:2', 'on-failure:x', 'on-failure:-1', '']) {
      const e = caught(() => parseRestartPolicy(bad));
      expect(e, bad).to.be.instanceOf(InvalidInputError);
    }
    expect(caught(() => parseRestartPolicy('sometimes')).message).to.equal('invalid restart policy "sometimes"');
  });

  it('no policy and "no" never restart', () => {
    const ended = {exitCode: 1, restartCount: 0, stoppedByUser: false};
    expect(restartDecision(undefined, ended)).to.equal(false);
    expect(restartDecision(parseRestartPolicy('no'), ended)).to.equal(false);
    expect(restarts(parseRestartPolicy('no'))).to.equal(false);
    expect(restarts(parseRestartPolicy('always'))).to.equal(true);
  });

  it('always and unless-stopped restart whatever the exit code, but not after stop or kill', () => {
    for (const name of ['always', 'unless-stopped']) {
      const p = parseRestartPolicy(name);
      expect(restartDecision(p, {exitCode: 0, restartCount: 50, stoppedByUser: false}), name).to.equal(true);
      expect(restartDecision(p, {exitCode: 137, restartCount: 0, stoppedByUser: false}), name).to.equal(true);
      expect(restartDecision(p, {exitCode: 137, restartCount: 0, stoppedByUser: true}), name).to.equal(false);
    }
  });

  it('on-failure restarts on a non-zero code until the retries are used up', () => {
    const p = parseRestartPolicy('on-failure:2');
    expect(restartDecision(p, {exitCode: 0, restartCount: 0, stoppedByUser: false})).to.equal(false);
    expect(restartDecision(p, {exitCode: 3, restartCount: 0, stoppedByUser: false})).to.equal(true);
    expect(restartDecision(p, {exitCode: 3, restartCount: 1, stoppedByUser: false})).to.equal(true);
    expect(restartDecision(p, {exitCode: 3, restartCount: 2, stoppedByUser: false})).to.equal(false);
    expect(restartDecision(p, {exitCode: 3, restartCount: 0, stoppedByUser: true})).to.equal(false);
    expect(restartDecision(parseRestartPolicy('on-failure'), {exitCode: 1, restartCount: 1000, stoppedByUser: false})).to.equal(true);
  });

  it('ps/start --filter restart-policy= matches the stored policy; no policy counts as "no"', () => {
    const snap = (over: Partial<ContainerConfig>): ContainerSnapshot => ({
      config: {id: 'a'.repeat(64), name: 'x', created: '2026-01-01T00:00:00.000Z', imageId: 'b'.repeat(64), imageName: 'localhost/demo:latest',
        args: ['true'], entrypoint: [], command: ['true'], env: [], workdir: '', user: '', labels: {}, network: 'none', readOnly: false,
        capAdd: [], capDrop: [], init: false, stopSignal: 'SIGTERM', stopTimeout: 10, autoRemove: false, createCommand: [], driver: 'overlay', ...over},
      state: {status: 'exited', restartCount: 0},
    });
    const always = snap({restartPolicy: {name: 'always', maxRetries: 0}});
    const none = snap({});
    const f = parseFilters(['restart-policy=always']);
    expect(matchesFilters(always, f, () => undefined)).to.equal(true);
    expect(matchesFilters(none, f, () => undefined)).to.equal(false);
    expect(matchesFilters(none, parseFilters(['restart-policy=no']), () => undefined)).to.equal(true);
  });
});
