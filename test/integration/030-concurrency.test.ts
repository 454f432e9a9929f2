// Many burrow processes at once on the same storage, as on a shared CI box: all succeed, names stay
// unique, and nothing is left behind (containers, mounts, lock files, temp directories).
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrowAsync, lockFiles, ok, storageMounts, storageRoot, until} from './harness';

describe('concurrency', function () {
  this.timeout(180_000);

  it('20 `run --rm` started at once all succeed and leave nothing behind', async () => {
    const runs = await Promise.all(Array.from({length: 20}, (_, i) => burrowAsync(['run', '--rm', 'localhost/demo', 'sh', '-c', `echo run-${i}`])));
    runs.forEach((r, i) => {
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`run-${i}\n`);
    });
    expect(ok(['ps', '-a', '-q'])).to.equal('');
    // conmon's exit commands may still be finishing their (no-op) cleanup for a moment.
    expect(await until(() => storageMounts().length === 0 && lockFiles().length === 0, 10_000), `mounts: ${storageMounts()} locks: ${lockFiles()}`).to.equal(true);
    const leftovers = fs.readdirSync(path.join(storageRoot, 'containers')).filter((e) => e !== 'names');
    expect(leftovers).to.deep.equal([]);
    expect(fs.readdirSync(path.join(storageRoot, 'containers', 'names'))).to.deep.equal([]);
  });

  it('of 8 concurrent creates with the same name exactly one wins', async () => {
    const results = await Promise.all(Array.from({length: 8}, () => burrowAsync(['create', '--name', 'contested', 'localhost/demo', 'true'])));
    const winners = results.filter((r) => r.status === 0);
    expect(winners).to.have.length(1);
    for (const r of results.filter((x) => x.status !== 0)) {
      expect(r.status).to.equal(125);
      expect(r.stderr).to.contain('already in use');
    }
    expect(ok(['ps', '-a', '--format', '{{.Names}}']).trim()).to.equal('contested');
    ok(['rm', 'contested']);
  });

  it('containers created at the same time without names get distinct names and ids', async () => {
    const results = await Promise.all(Array.from({length: 10}, () => burrowAsync(['create', 'localhost/demo', 'true'])));
    const ids = results.map((r) => r.stdout.trim());
    expect(new Set(ids).size).to.equal(10);
    const names = ok(['ps', '-a', '--format', '{{.Names}}']).trim().split('\n');
    expect(new Set(names).size).to.equal(10);
    ok(['rm', '-a']);
  });
});
