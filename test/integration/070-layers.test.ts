// Layer extraction as a user sees it: ownership, modes, hardlinks, symlinks and xattrs survive into
// the container and are owned on the host by the mapped subordinate ids.
import {expect} from 'chai';
import {spawnSync} from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {demoTarball, ok, subuidRange, work} from './harness';

/** The demo rootfs plus extra members written by Python's tarfile (PAX format, for xattrs). */
function demoPlus(file: string, body: string): void {
  const py = `import tarfile, io, sys
src = tarfile.open(sys.argv[2])
t = tarfile.open(sys.argv[1], 'w', format=tarfile.PAX_FORMAT)
for m in src.getmembers():
    t.addfile(m, src.extractfile(m) if m.isfile() else None)
def add(name, kind=tarfile.REGTYPE, data=b'', **kw):
    i = tarfile.TarInfo(name); i.type = kind; i.size = len(data) if kind == tarfile.REGTYPE else 0
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
${body}
t.close()
`;
  const r = spawnSync('python3', ['-c', py, file, demoTarball], {encoding: 'utf8'});
  if (r.status !== 0) throw new Error(r.stderr);
}

describe('layer extraction', function () {
  this.timeout(60_000);

  it('keeps owners, modes, hardlinks, symlinks and xattrs, mapped into the subordinate range', () => {
    const file = path.join(work, 'rich.tar');
    demoPlus(file, `
add('data', tarfile.DIRTYPE, mode=0o755)
add('data/owned', data=b'by app', uid=1000, gid=1000, mode=0o640)
add('data/setuid', data=b'#!/bin/sh', mode=0o4755)
add('data/link', tarfile.LNKTYPE, linkname='data/owned', uid=1000, gid=1000, mode=0o640)
add('data/sym', tarfile.SYMTYPE, linkname='/data/owned')
add('data/attr', data=b'x', mode=0o644, pax_headers={'SCHILY.xattr.user.burrow': 'kept'})
add('data/.wh.gone', data=b'')
`);
    ok(['import', '--change', 'CMD=["/bin/sh"]', file, 'localhost/rich']);
    const inside = ok(['run', '--rm', 'localhost/rich', 'sh', '-c',
      'stat -c "%n %u:%g %a %h" /data/owned /data/link /data/setuid; readlink /data/sym; cat /data/sym; echo; ls -a /data']).trim().split('\n');
    expect(inside.slice(0, 3)).to.deep.equal(['/data/owned 1000:1000 640 2', '/data/link 1000:1000 640 2', '/data/setuid 0:0 4755 1']);
    expect(inside[3]).to.equal('/data/owned');
    expect(inside[4]).to.equal('by app');
    expect(inside.slice(5)).to.not.include('gone');

    const [img] = JSON.parse(ok(['image', 'inspect', 'localhost/rich'])) as {GraphDriver: {Data: {UpperDir: string}}}[];
    const layer = img.GraphDriver.Data.UpperDir;
    const {start} = subuidRange();
    const st = fs.statSync(path.join(layer, 'data', 'owned'));
    expect([st.uid, st.gid]).to.deep.equal([start + 999, start + 999]);
    expect(fs.statSync(path.join(layer, 'data', 'setuid')).uid).to.equal(process.getuid!());
    // A whiteout in a base layer hides nothing; overlay would show it as a phantom entry, so it is dropped.
    expect(fs.existsSync(path.join(layer, 'data', 'gone'))).to.equal(false);
    const xattr = ok(['unshare', 'python3', '-c', `import os; print(os.getxattr(${JSON.stringify(path.join(layer, 'data', 'attr'))}, 'user.burrow').decode())`]).trim();
    expect(xattr).to.equal('kept');
  });
});
