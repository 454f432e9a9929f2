// Capability names as users type them, and Podman's --cap-add / --cap-drop arithmetic.
import {expect} from 'chai';
import {InvalidInputError} from '../../src/errors';
import {ALL_CAPABILITIES, DEFAULT_CAPABILITIES, effectiveCapabilities, normalizeCapability} from '../../src/runtime/capabilities';

const sorted = (a: readonly string[]) => [...a].sort();

describe('unit: runtime/capabilities normalizeCapability', () => {
  it('accepts lower case, upper case and the CAP_ prefix', () => {
    expect(normalizeCapability('net_raw')).to.equal('CAP_NET_RAW');
    expect(normalizeCapability('NET_RAW')).to.equal('CAP_NET_RAW');
    expect(normalizeCapability('CAP_NET_RAW')).to.equal('CAP_NET_RAW');
    expect(normalizeCapability('cap_sys_admin')).to.equal('CAP_SYS_ADMIN');
    expect(normalizeCapability(' chown ')).to.equal('CAP_CHOWN');
  });

  it('keeps ALL in any case', () => {
    expect(normalizeCapability('all')).to.equal('ALL');
    expect(normalizeCapability('ALL')).to.equal('ALL');
  });

  it('refuses unknown names with InvalidInputError quoting the name', () => {
    for (const bad of ['net_rawr', 'CAP_', '', 'CAP_ALL', 'sys-admin']) {
      expect(() => normalizeCapability(bad), bad).to.throw(InvalidInputError, `unknown capability "${bad}"`);
    }
  });
});

describe('unit: runtime/capabilities effectiveCapabilities', () => {
  it('without changes gives Podman\'s default set', () => {
    expect(sorted(effectiveCapabilities([], []))).to.deep.equal(sorted(DEFAULT_CAPABILITIES));
    expect(DEFAULT_CAPABILITIES).to.have.length(11);
    expect(DEFAULT_CAPABILITIES).not.to.include('CAP_NET_RAW');
    expect(DEFAULT_CAPABILITIES).not.to.include('CAP_SYS_ADMIN');
  });

  it('adds capabilities given in any spelling, without duplicates', () => {
    const caps = effectiveCapabilities(['net_raw', 'NET_ADMIN', 'CAP_CHOWN', 'cap_net_raw'], []);
    expect(sorted(caps)).to.deep.equal(sorted([...DEFAULT_CAPABILITIES, 'CAP_NET_RAW', 'CAP_NET_ADMIN']));
  });

  it('drops capabilities from the defaults', () => {
    const caps = effectiveCapabilities([], ['chown', 'CAP_KILL']);
    expect(sorted(caps)).to.deep.equal(sorted(DEFAULT_CAPABILITIES.filter((c) => c !== 'CAP_CHOWN' && c !== 'CAP_KILL')));
  });

  it('--cap-drop ALL leaves only what is added', () => {
    expect(effectiveCapabilities([], ['ALL'])).to.deep.equal([]);
    expect(effectiveCapabilities(['net_bind_service'], ['all'])).to.deep.equal(['CAP_NET_BIND_SERVICE']);
  });

  it('--cap-add ALL gives every capability except those dropped', () => {
    expect(sorted(effectiveCapabilities(['ALL'], []))).to.deep.equal(sorted(ALL_CAPABILITIES));
    const caps = effectiveCapabilities(['all'], ['sys_admin', 'NET_RAW']);
    expect(sorted(caps)).to.deep.equal(sorted(ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN' && c !== 'CAP_NET_RAW')));
  });

  it('refuses an unknown name in either list', () => {
    expect(() => effectiveCapabilities(['bogus'], [])).to.throw(InvalidInputError);
    expect(() => effectiveCapabilities([], ['bogus'])).to.throw(InvalidInputError);
  });
});
