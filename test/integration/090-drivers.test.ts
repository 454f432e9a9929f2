// The fallback storage drivers work end to end when chosen: fuse-overlayfs and the copying driver.
import {expect} from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {burrow, demoTarball, ok, work} from './harness';

for (const driver of ['fuse-overlayfs', 'vfs']) {
  describe(`storage driver ${driver}`, function () {
    this.timeout(60_000);
    const root = path.join(work, `root-${driver}`);
    const runroot = path.join(work, `run-${driver}`);
    const b = (args: string[]) => burrow(['--root', root, '--storage-driver', driver, ...args], {runroot});

    before(function () {
      if (driver === 'fuse-overlayfs') {
        try {
          fs.accessSync('/dev/fuse', fs.constants.R_OK | fs.constants.W_OK);
        } catch {
          this.skip();
        }
      }
      expect(b(['import', '--change', 'CMD=["/usr/bin/demo"]', demoTarball, 'localhost/demo']).status).to.equal(0);
    });
    after(() => {
      b(['rm', '-a', '-f']);
      const pause = JSON.parse(fs.readFileSync(path.join(runroot, 'pause.json'), 'utf8')).pid as number;
      ok(['unshare', 'rm', '-rf', root], {runroot});
      try {
        process.kill(pause, 'SIGKILL');
      } catch {
        // gone
      }
    });

    it('runs containers with a writable rootfs, says why in info, and leaves nothing behind', () => {
      const r = b(['run', '--rm', 'localhost/demo', 'sh', '-c', 'echo data > /root/f && cat /root/f && id -u']);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.equal('data\n0\n');
      const info = JSON.parse(b(['info', '--format', 'json']).stdout) as {store: {graphDriverName: string; graphDriverReason: string}};
      expect(info.store.graphDriverName).to.equal(driver);
      expect(info.store.graphDriverReason).to.contain('asked for');
      expect(fs.readdirSync(path.join(root, 'containers')).filter((e) => e !== 'names')).to.deep.equal([]);
      const pause = JSON.parse(fs.readFileSync(path.join(runroot, 'pause.json'), 'utf8')).pid as number;
      expect(fs.readFileSync(`/proc/${pause}/mountinfo`, 'utf8')).to.not.contain(root);
    });

    it('keeps a stopped container\'s changes across restarts, and only in that container', () => {
      const script = 'cat /root/note 2>/dev/null; echo kept > /root/note';
      const first = b(['run', '--name', 'keep', 'localhost/demo', 'sh', '-c', script]);
      expect(first.status, first.stderr).to.equal(0);
      expect(first.stdout).to.equal('');
      const again = b(['start', '-a', 'keep']);
      expect(again.status).to.equal(0);
      expect(again.stdout).to.equal('kept\n');
      expect(b(['run', '--rm', 'localhost/demo', 'cat', '/root/note']).status).to.equal(1);
      expect(b(['rm', 'keep']).status).to.equal(0);
    });
  });
}
