// ContainerStore: records, names, resolution, locked updates and removal, in a temp storage root.
import {expect} from 'chai';
import {spawn} from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {InvalidInputError, NameInUseError, NoSuchObjectError} from '../../src/errors';
import {ContainerStore, type ContainerConfig} from '../../src/storage/container-store';

type Fields = Omit<ContainerConfig, 'id' | 'name' | 'created'> & {name?: string};

function fields(over: Partial<Fields> = {}): Fields {
  return {
    imageId: 'b'.repeat(64), imageName: 'localhost/demo:latest', args: ['sh', '-c', 'true'], entrypoint: [], command: ['sh', '-c', 'true'],
    env: ['A=1'], workdir: '/', user: '', labels: {app: 'x'}, network: 'none', readOnly: false, capAdd: [], capDrop: [], init: false,
    stopSignal: 'SIGTERM', stopTimeout: 10, autoRemove: false, createCommand: ['burrow', 'run', 'demo'], driver: 'overlay', ...over,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('unit: storage/container-store ContainerStore', () => {
  let dir: string;
  let store: ContainerStore;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'burrow-unit-ctr-'));
    store = new ContainerStore(path.join(dir, 'root'), path.join(dir, 'run', 'locks'));
  });
  afterEach(() => fs.rmSync(dir, {recursive: true, force: true}));

  it('creates a container with the given name, a 64-hex id and a "created" state', () => {
    const before = Date.now();
    const c = store.create(fields({name: 'web'}));
    expect(c.name).to.equal('web');
    expect(c.id).to.match(/^[a-f0-9]{64}$/);
    expect(Date.parse(c.created)).to.be.within(before, Date.now());
    expect(c.env).to.deep.equal(['A=1']);
    const v = store.read(c.id)!;
    expect(v.config).to.deep.equal(c);
    expect(v.state).to.deep.equal({status: 'created', restartCount: 0});
    expect(store.exists(c.id)).to.equal(true);
    for (const d of ['userdata', 'diff', 'work', 'merged']) expect(fs.statSync(path.join(store.containerDir(c.id), d)).isDirectory(), d).to.equal(true);
    expect(store.userdataDir(c.id)).to.equal(path.join(dir, 'root', 'containers', c.id, 'userdata'));
    expect(store.logPath(c.id)).to.equal(path.join(dir, 'root', 'containers', c.id, 'userdata', 'ctr.log'));
    // no temp directories left
    expect(fs.readdirSync(store.dir).filter((e) => e.startsWith('.'))).to.deep.equal([]);
  });

  it('refuses a duplicate name with NameInUseError naming the holder, and creates nothing', () => {
    const first = store.create(fields({name: 'web'}));
    let err: Error | undefined;
    try {
      store.create(fields({name: 'web'}));
    } catch (e) {
      err = e as Error;
    }
    expect(err).to.be.instanceOf(NameInUseError);
    expect(err!.message).to.contain('"web"');
    expect(err!.message).to.contain(first.id);
    expect(store.list().map((v) => v.config.id)).to.deep.equal([first.id]);
  });

  it('refuses invalid names', () => {
    for (const bad of ['-web', '.hidden', 'a/b', 'a:b', 'with space', '']) {
      expect(() => store.create(fields({name: bad})), bad).to.throw(InvalidInputError);
    }
    expect(store.list()).to.deep.equal([]);
  });

  it('gives unique adjective_surname names when none is asked for', () => {
    const made = Array.from({length: 30}, () => store.create(fields()));
    const names = made.map((c) => c.name);
    expect(new Set(names).size).to.equal(30);
    for (const n of names) expect(n).to.match(/^[a-z]+_[a-z]+$/);
  });

  it('concurrently creating 20 containers gives 20 distinct ids and names, all listed', async () => {
    const made = await Promise.all(Array.from({length: 20}, async (_, i) => {
      await sleep(i % 3);
      return store.create(fields(i % 2 ? {name: `c${i}`} : {}));
    }));
    expect(new Set(made.map((c) => c.id)).size).to.equal(20);
    expect(new Set(made.map((c) => c.name)).size).to.equal(20);
    expect(store.list()).to.have.length(20);
    expect(new Set(store.list().map((v) => v.config.name))).to.deep.equal(new Set(made.map((c) => c.name)));
  });

  it('separate processes racing for one name: exactly one wins', async function () {
    this.timeout(30000);
    const modulePath = path.resolve(__dirname, '../../src/storage/container-store.js');
    const script = `
      const {ContainerStore} = require(${JSON.stringify(modulePath)});
      const [root, locks, fieldsJson] = process.argv.slice(1);
      const store = new ContainerStore(root, locks);
      try { const c = store.create({...JSON.parse(fieldsJson), name: 'contested'}); process.stdout.write('won ' + c.id); }
      catch (e) { process.stdout.write(e.name); }`;
    const run = () => new Promise<string>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', script, path.join(dir, 'root'), path.join(dir, 'run', 'locks'), JSON.stringify(fields())]);
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    const results = await Promise.all(Array.from({length: 8}, run));
    const winners = results.filter((r) => r.startsWith('won '));
    expect(winners, results.join(', ')).to.have.length(1);
    expect(results.filter((r) => r === 'NameInUseError')).to.have.length(7);
    expect(store.resolve('contested').config.id).to.equal(winners[0].slice(4));
    expect(store.list()).to.have.length(1);
  });

  it('resolves by name, full id and unique id prefix', () => {
    const a = store.create(fields({name: 'alpha'}));
    const b = store.create(fields({name: 'beta'}));
    expect(store.resolve('alpha').config.id).to.equal(a.id);
    expect(store.resolve('beta').config.id).to.equal(b.id);
    expect(store.resolve(a.id).config.name).to.equal('alpha');
    // the shortest prefix that is not shared
    let n = 1;
    while (b.id.startsWith(a.id.slice(0, n))) n++;
    expect(store.resolve(a.id.slice(0, n)).config.name).to.equal('alpha');
    expect(store.resolve(a.id.slice(0, 12)).config.name).to.equal('alpha');
  });

  it('an id prefix shared by several containers is an InvalidInputError', () => {
    // 17 random ids over 16 first hex digits: two share a first digit
    const made = Array.from({length: 17}, () => store.create(fields()));
    const counts = new Map<string, number>();
    for (const c of made) counts.set(c.id[0], (counts.get(c.id[0]) ?? 0) + 1);
    const shared = [...counts].find(([, k]) => k > 1)![0];
    expect(() => store.resolve(shared)).to.throw(InvalidInputError, `more than one container matches "${shared}"`);
  });

  it('a missing container is a NoSuchObjectError naming the reference', () => {
    store.create(fields({name: 'alpha'}));
    for (const ref of ['nosuch', 'f'.repeat(64), 'alph', '']) {
      expect(() => store.resolve(ref), ref).to.throw(NoSuchObjectError, `"${ref}"`);
    }
    // before anything was ever created
    const empty = new ContainerStore(path.join(dir, 'empty'), path.join(dir, 'run2'));
    expect(() => empty.resolve('abc')).to.throw(NoSuchObjectError);
    expect(empty.list()).to.deep.equal([]);
  });

  it('a name wins over an id prefix that looks the same', () => {
    const a = store.create(fields());
    const b = store.create(fields({name: a.id.slice(0, 6)}));
    expect(store.resolve(a.id.slice(0, 6)).config.id).to.equal(b.id);
  });

  it('lists newest first', async () => {
    const a = store.create(fields({name: 'first'}));
    await sleep(5);
    const b = store.create(fields({name: 'second'}));
    expect(store.list().map((v) => v.config.id)).to.deep.equal([b.id, a.id]);
  });

  it('update() runs under the container lock: concurrent read-modify-write loses nothing', async function () {
    this.timeout(20000);
    const c = store.create(fields({name: 'counter'}));
    await Promise.all(Array.from({length: 10}, () => store.update(c.id, async (v) => {
      const n = v.state.restartCount;
      await sleep(3);
      store.writeState(c.id, {...v.state, restartCount: n + 1});
    })));
    expect(store.read(c.id)!.state.restartCount).to.equal(10);
  });

  it('update() passes the current view and returns what fn returns', async () => {
    const c = store.create(fields({name: 'u'}));
    store.writeState(c.id, {status: 'exited', exitCode: 3, restartCount: 0});
    const got = await store.update(c.id, (v) => `${v.config.name}:${v.state.status}:${v.state.exitCode}`);
    expect(got).to.equal('u:exited:3');
  });

  it('update() of a missing container is a NoSuchObjectError and fn is not run', async () => {
    let ran = false;
    let err: unknown;
    try {
      await store.update('f'.repeat(64), () => {
        ran = true;
      });
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(NoSuchObjectError);
    expect(ran).to.equal(false);
  });

  it('update() releases the lock when fn throws', async () => {
    const c = store.create(fields({name: 'thrower'}));
    let err: unknown;
    try {
      await store.update(c.id, () => {
        throw new Error('boom');
      });
    } catch (e) {
      err = e;
    }
    expect((err as Error).message).to.equal('boom');
    expect(await store.update(c.id, () => 'again')).to.equal('again');
  });

  it('detach() hides the container from list() and resolve(), frees its name, and returns the directory to delete', () => {
    const keep = store.create(fields({name: 'keep'}));
    const gone = store.create(fields({name: 'gone'}));
    const doomed = store.detach(store.resolve('gone'));
    expect(fs.existsSync(path.join(doomed, 'container.json'))).to.equal(true);
    expect(fs.existsSync(store.containerDir(gone.id))).to.equal(false);
    expect(store.list().map((v) => v.config.id)).to.deep.equal([keep.id]);
    expect(() => store.resolve('gone')).to.throw(NoSuchObjectError);
    expect(() => store.resolve(gone.id)).to.throw(NoSuchObjectError);
    expect(store.names.lookup('gone')).to.equal(undefined);
    const again = store.create(fields({name: 'gone'}));
    expect(again.id).not.to.equal(gone.id);
    expect(store.resolve('gone').config.id).to.equal(again.id);
  });

  it('leftovers() lists temp directories of dead creators and removers only', () => {
    store.create(fields({name: 'x'}));
    const dead = path.join(store.dir, '.creating-999999-abcdef012345');
    const alive = path.join(store.dir, `.removing-${process.pid}-abcdef012345-aaaaaa`);
    fs.mkdirSync(dead);
    fs.mkdirSync(alive);
    const isAlive = (pid: number) => pid === process.pid;
    expect(store.leftovers(isAlive)).to.deep.equal([dead]);
    // temp dirs are not containers
    expect(store.list()).to.have.length(1);
  });
});
