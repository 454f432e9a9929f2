// info: Podman's `registries` section from a parsed registries.conf (checked against `podman info` of the
// same file: containers/image field names, mirrors null when none, keys sorted with "search").
import {expect} from 'chai';
import {registriesInfo} from '../../src/engine/info';
import type {RegistryEntry} from '../../src/config/registries-conf';

const entry = (o: Partial<RegistryEntry> & {prefix: string}): RegistryEntry => ({location: o.prefix, insecure: false, blocked: false, mirrorByDigestOnly: false, mirrors: [], ...o});

describe('unit: engine/info registriesInfo', () => {
  it('is empty without registries or search list', () => {
    expect(registriesInfo({registries: [], unqualifiedSearchRegistries: []})).to.deep.equal({});
  });

  it('gives each entry under its prefix, Podman-shaped, and the search list, keys sorted', () => {
    const out = registriesInfo({
      unqualifiedSearchRegistries: ['quay.io', 'docker.io'],
      registries: [
        entry({prefix: 'localhost:5000', insecure: true, mirrorByDigestOnly: true, mirrors: [{location: 'm2.example.com', insecure: true, pullFromMirror: 'all'}]}),
        entry({prefix: 'example.com/foo', location: 'mirror.example.com/foo', insecure: true, mirrors: [{location: 'm1.example.com', insecure: false, pullFromMirror: 'digest-only'}]}),
        entry({prefix: 'blocked.example.com', blocked: true}),
      ],
    });
    expect(Object.keys(out)).to.deep.equal(['blocked.example.com', 'example.com/foo', 'localhost:5000', 'search']);
    expect(out['blocked.example.com']).to.deep.equal({Prefix: 'blocked.example.com', Location: 'blocked.example.com', Insecure: false, PullFromMirror: '', Mirrors: null, Blocked: true, MirrorByDigestOnly: false});
    expect(out['example.com/foo']).to.deep.include({Location: 'mirror.example.com/foo', Mirrors: [{Location: 'm1.example.com', Insecure: false, PullFromMirror: 'digest-only'}]});
    expect((out['localhost:5000'] as {Mirrors: unknown[]}).Mirrors).to.deep.equal([{Location: 'm2.example.com', Insecure: true, PullFromMirror: ''}]);
    expect(out.search).to.deep.equal(['quay.io', 'docker.io']);
  });
});
