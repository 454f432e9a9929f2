// Whether pause can work on a host: cgroup v1 or v2, delegated or not, rootless or root.
import {expect} from 'chai';
import {freezeSupport, type CgroupHost} from '../../src/runtime/freezer';
import {isPaused, shownStatus} from '../../src/runtime/container-state';

function host(over: Partial<CgroupHost>): CgroupHost {
  return {rootless: true, uid: 1000, selfCgroup: '', unified: false, ownerOf: () => undefined, ...over};
}

describe('unit: runtime/freezer freezeSupport', () => {
  it('real root can always freeze (its containers get a cgroup of their own)', () => {
    expect(freezeSupport(host({rootless: false}))).to.deep.equal({ok: true});
  });
  it('rootless on cgroup v1: refused, naming v1 and what would work', () => {
    const s = freezeSupport(host({selfCgroup: '12:freezer:/\n1:name=systemd:/user.slice/user-1000.slice/session-2.scope\n'}));
    expect(s.ok).to.equal(false);
    expect(s.reason).to.match(/cgroup v1/);
    expect(s.hint).to.contain('cgroup v2').and.contain('user@1000.service').and.contain('Delegate=yes');
  });
  it('rootless on cgroup v2 without delegation: refused as not delegated', () => {
    const s = freezeSupport(host({unified: true, selfCgroup: '0::/user.slice/user-1000.slice/session-2.scope\n', ownerOf: () => 0}));
    expect(s.ok).to.equal(false);
    expect(s.reason).to.match(/no cgroup subtree is delegated/);
  });
  it('rootless on cgroup v2 with user@UID.service owned by the user: delegated, said precisely', () => {
    const s = freezeSupport(host({
      unified: true, selfCgroup: '0::/user.slice/user-1000.slice/user@1000.service/app.slice/x.scope\n',
      ownerOf: (p) => (p === '/user.slice/user-1000.slice/user@1000.service' ? 1000 : 0),
    }));
    expect(s.ok).to.equal(false);
    expect(s.reason).to.match(/delegated, but burrow does not place rootless containers in cgroups/);
  });
});

describe('unit: runtime/container-state isPaused', () => {
  const running = {status: 'running' as const, pid: 42, restartCount: 0};
  it('paused only in the run that was paused, and only while running', () => {
    expect(isPaused({...running, paused: {pid: 42, at: ''}})).to.equal(true);
    expect(shownStatus({...running, paused: {pid: 42, at: ''}})).to.equal('paused');
    expect(isPaused({...running, pid: 43, paused: {pid: 42, at: ''}})).to.equal(false);
    expect(isPaused({...running, status: 'exited', paused: {pid: 42, at: ''}})).to.equal(false);
    expect(shownStatus(running)).to.equal('running');
  });
});
