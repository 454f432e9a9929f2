// `ps --filter`: parsing and matching (same key twice = OR, different keys = AND).
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {matchesFilters, parseFilters} from '../../src/engine/container-filter';
import type {ContainerSnapshot} from '../../src/engine/container-views';
import type {ContainerConfig, ContainerState} from '../../src/storage/container-store';

const BUSYBOX_ID = '1'.repeat(64);
const DEMO_ID = '2'.repeat(64);

function snap(name: string, id: string, state: Partial<ContainerState>, over: Partial<ContainerConfig> = {}): ContainerSnapshot {
  return {
    config: {
      id, name, created: '2026-01-01T00:00:00.000Z', imageId: DEMO_ID, imageName: 'localhost/demo:latest', args: ['true'],
      entrypoint: [], command: ['true'], env: [], workdir: '', user: '', labels: {}, network: 'none', readOnly: false,
      capAdd: [], capDrop: [], init: false, stopSignal: 'SIGTERM', stopTimeout: 10, autoRemove: false, createCommand: [],
      driver: 'overlay', ...over,
    },
    state: {status: 'created', restartCount: 0, ...state},
  };
}

const web = snap('web-1', 'abc123' + '0'.repeat(58), {status: 'running', pid: 42}, {labels: {app: 'web', tier: 'front'}});
const db = snap('db', 'abd456' + '0'.repeat(58), {status: 'exited', exitCode: 0}, {labels: {app: 'db'}, imageName: 'docker.io/library/busybox:latest', imageId: BUSYBOX_ID});
const job = snap('job', 'fff000' + '0'.repeat(58), {status: 'exited', exitCode: 3}, {imageName: 'docker.io/library/busybox:1.36', imageId: BUSYBOX_ID});
const fresh = snap('fresh-web', 'eee000' + '0'.repeat(58), {status: 'created'});
const all = [web, db, job, fresh];

// what the image store resolves each reference to
const imageIds: Record<string, string> = {
  busybox: BUSYBOX_ID, 'busybox:1.36': BUSYBOX_ID, 'docker.io/library/busybox:latest': BUSYBOX_ID, demo: DEMO_ID, 'localhost/demo': DEMO_ID,
};
const lookup = (ref: string) => imageIds[ref];

const names = (filters: string[]) => all.filter((s) => matchesFilters(s, parseFilters(filters), lookup)).map((s) => s.config.name);

describe('unit: engine/container-filter parseFilters', () => {
  it('groups values by key', () => {
    const f = parseFilters(['name=a', 'status=running', 'name=b', 'label=x']);
    expect([...f.entries()]).to.deep.equal([['name', ['a', 'b']], ['status', ['running']], ['label', ['x']]]);
  });

  it('keeps everything after the first "=" as the value', () => {
    expect(parseFilters(['label=k=v=w']).get('label')).to.deep.equal(['k=v=w']);
  });

  it('refuses an unknown key, naming it', () => {
    expect(() => parseFilters(['colour=red'])).to.throw(InvalidInputError, 'invalid filter "colour"');
    expect(() => parseFilters(['Name=x'])).to.throw(InvalidInputError, 'invalid filter "Name"');
  });

  it('refuses an unknown status, naming it', () => {
    expect(() => parseFilters(['status=sleeping'])).to.throw(InvalidInputError, 'invalid status "sleeping"');
    expect(() => parseFilters(['status'])).to.throw(InvalidInputError, 'invalid status ""');
  });

  it('accepts every Podman status', () => {
    for (const s of ['created', 'running', 'paused', 'exited', 'stopped', 'unknown']) expect(() => parseFilters([`status=${s}`]), s).not.to.throw();
  });
});

describe('unit: engine/container-filter matchesFilters', () => {
  it('no filters match everything', () => {
    expect(names([])).to.deep.equal(['web-1', 'db', 'job', 'fresh-web']);
  });

  it('name is a regular expression', () => {
    expect(names(['name=web'])).to.deep.equal(['web-1', 'fresh-web']);
    expect(names(['name=^web'])).to.deep.equal(['web-1']);
    expect(names(['name=^(db|job)$'])).to.deep.equal(['db', 'job']);
  });

  it('an invalid name regular expression is an InvalidInputError', () => {
    expect(() => names(['name=(unclosed'])).to.throw(InvalidInputError, 'invalid name filter');
  });

  it('id matches a prefix of the id', () => {
    expect(names(['id=abc'])).to.deep.equal(['web-1']);
    expect(names(['id=ab'])).to.deep.equal(['web-1', 'db']);
  });

  it('status matches the state; stopped matches exited containers', () => {
    expect(names(['status=running'])).to.deep.equal(['web-1']);
    expect(names(['status=exited'])).to.deep.equal(['db', 'job']);
    expect(names(['status=created'])).to.deep.equal(['fresh-web']);
    expect(names(['status=stopped'])).to.deep.equal(['db', 'job']);
    expect(names(['status=paused'])).to.deep.equal([]);
  });

  it('the same key twice means either value', () => {
    expect(names(['status=running', 'status=created'])).to.deep.equal(['web-1', 'fresh-web']);
    expect(names(['name=^db$', 'name=^job$'])).to.deep.equal(['db', 'job']);
  });

  it('different keys must all match', () => {
    expect(names(['status=exited', 'label=app=db'])).to.deep.equal(['db']);
    expect(names(['name=web', 'status=created'])).to.deep.equal(['fresh-web']);
    expect(names(['status=running', 'status=exited', 'label=app'])).to.deep.equal(['web-1', 'db']);
    expect(names(['status=running', 'exited=0'])).to.deep.equal([]);
  });

  it('label matches a key, or a key and its exact value', () => {
    expect(names(['label=app'])).to.deep.equal(['web-1', 'db']);
    expect(names(['label=app=web'])).to.deep.equal(['web-1']);
    expect(names(['label=app=we'])).to.deep.equal([]);
    expect(names(['label=tier', 'label=nope'])).to.deep.equal(['web-1']);
  });

  it('a label with an empty value matches only an empty value', () => {
    const e = snap('e', '9'.repeat(64), {}, {labels: {flag: ''}});
    expect(matchesFilters(e, parseFilters(['label=flag=']), lookup)).to.equal(true);
    expect(matchesFilters(web, parseFilters(['label=app=']), lookup)).to.equal(false);
  });

  it('exited=CODE matches exited containers with that exit code', () => {
    expect(names(['exited=0'])).to.deep.equal(['db']);
    expect(names(['exited=3'])).to.deep.equal(['job']);
    expect(names(['exited=0', 'exited=3'])).to.deep.equal(['db', 'job']);
    expect(names(['exited=1'])).to.deep.equal([]);
  });

  it('ancestor matches the image by short name, full name, name:tag or id', () => {
    expect(names(['ancestor=busybox'])).to.deep.equal(['db', 'job']);
    expect(names(['ancestor=busybox:1.36'])).to.deep.equal(['db', 'job']);
    expect(names(['ancestor=docker.io/library/busybox:latest'])).to.deep.equal(['db', 'job']);
    expect(names(['ancestor=demo'])).to.deep.equal(['web-1', 'fresh-web']);
    expect(names(['ancestor=localhost/demo'])).to.deep.equal(['web-1', 'fresh-web']);
    expect(names([`ancestor=${DEMO_ID.slice(0, 12)}`])).to.deep.equal(['web-1', 'fresh-web']);
    expect(names(['ancestor=alpine'])).to.deep.equal([]);
  });
});
