// A pull killed with SIGKILL at random points, many times over, never leaves a broken image: `images`
// stays readable and lists the image at most once, the next pull succeeds, and the result runs.
import {expect} from 'chai';
import {spawn} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {bin, burrow, env, ok, runRoot, sleep, storageMounts, storageRoot} from './harness';
import {startRegistry, type TestRegistry} from '../support/registry';
import {busyboxLayout, debianLayout, pushLayout} from '../support/test-images';

function namesListed(): string[] {
  const r = burrow(['images', '--format', 'json']);
  expect(r.status, r.stderr).to.equal(0);
  return (JSON.parse(r.stdout) as {Names?: string[]}[]).flatMap((i) => i.Names ?? []);
}

// Twenty rounds on the small three-layer image (every phase of a short pull gets hit, quickly), then five
// on the four-layer Debian image, whose pull is long enough for kills to land mid-layer.
for (const [label, layout, rounds] of [['busybox', busyboxLayout, 20], ['debian', debianLayout, 5]] as const) {
  describe(`pull of ${label} interrupted by SIGKILL`, function () {
    this.timeout(900_000);
    let reg: TestRegistry;
    let image: string;
    before(async () => {
      reg = await startRegistry();
      pushLayout(layout(), reg, `kill/${label}:latest`);
      image = `${reg.host}/kill/${label}:latest`;
    });
    after(async () => {
      burrow(['rmi', '-a', '-f']);
      await reg?.stop();
    });

    it(`${rounds} pulls killed at random points: the next pull succeeds and the image is listed once`, async () => {
      await killedPulls(image, rounds);
    });
  });
}

async function killedPulls(image: string, rounds: number): Promise<void> {
  let t = Date.now();
  ok(['pull', '-q', '--tls-verify=false', image]);
  const full = Date.now() - t;
  ok(['rmi', image]);
  const delays: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Anywhere from start-up to the very end of a pull, so every phase gets hit.
    const delay = Math.floor(30 + Math.random() * full * 1.1);
    delays.push(delay);
    const child = spawn(bin, ['--runroot', runRoot, 'pull', '-q', '--tls-verify=false', image], {env, stdio: 'ignore'});
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await sleep(delay);
    child.kill('SIGKILL');
    await exited;
    expect(namesListed().filter((n) => n === image).length, `round ${round} (killed after ${delay} ms)`).to.be.at.most(1);
    t = Date.now();
    const r = burrow(['pull', '-q', '--tls-verify=false', image]);
    expect(r.status, `round ${round} (killed after ${delay} ms): ${r.stderr}`).to.equal(0);
    expect(namesListed().filter((n) => n === image)).to.have.length(1);
    if (round % 5 === 4) expect(ok(['run', '--rm', image, 'sh', '-c', 'test -x /bin/sh && echo whole'])).to.equal('whole\n');
    // Start the next round from an empty store half of the time, from what this one left the other half.
    if (round % 2 === 0) ok(['rmi', image]);
  }
  // Whatever the kills left (temp blobs, half-extracted layers) was swept by the pulls that followed.
  const leftovers = ['blobs/sha256', 'layers'].flatMap((d) => fs.readdirSync(path.join(storageRoot, d)).filter((e) => e.startsWith('.')));
  expect(leftovers, `delays ${delays.join(',')}`).to.deep.equal([]);
  expect(storageMounts()).to.deep.equal([]);
}
