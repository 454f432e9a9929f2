// Image references in Podman's grammar: parsing, canonical names, repository/tag split.
import {expect} from 'chai';
import fc from 'fast-check';
import {performance} from 'node:perf_hooks';
import {InvalidInputError} from '../../src/errors';
import {canonicalName, parseReference, splitName, type ImageReference} from '../../src/image/reference';

const DIGEST = `sha256:${'0123456789abcdef'.repeat(4)}`;

describe('unit: image/reference parseReference', () => {
  it('"demo" is a short name, qualified with localhost and :latest', () => {
    const r = parseReference('demo');
    expect(r).to.deep.equal({domain: 'localhost', path: 'demo', tag: undefined, digest: undefined, short: true});
    expect(canonicalName(r)).to.equal('localhost/demo:latest');
  });

  it('"docker.io/library/busybox:1.36" keeps its registry, path and tag', () => {
    const r = parseReference('docker.io/library/busybox:1.36');
    expect(r).to.deep.equal({domain: 'docker.io', path: 'library/busybox', tag: '1.36', digest: undefined, short: false});
    expect(canonicalName(r)).to.equal('docker.io/library/busybox:1.36');
  });

  it('"localhost:5000/a/b:tag": a registry with a port is not mistaken for a tag', () => {
    const r = parseReference('localhost:5000/a/b:tag');
    expect(r).to.deep.equal({domain: 'localhost:5000', path: 'a/b', tag: 'tag', digest: undefined, short: false});
    expect(canonicalName(r)).to.equal('localhost:5000/a/b:tag');
    expect(canonicalName(parseReference('localhost:5000/a/b'))).to.equal('localhost:5000/a/b:latest');
  });

  it('"localhost/demo" names the localhost registry explicitly', () => {
    expect(parseReference('localhost/demo')).to.deep.equal({domain: 'localhost', path: 'demo', tag: undefined, digest: undefined, short: false});
  });

  it('a first component without "." or ":" is part of the path, not a registry', () => {
    const r = parseReference('library/busybox');
    expect(r).to.deep.equal({domain: 'localhost', path: 'library/busybox', tag: undefined, digest: undefined, short: true});
    expect(canonicalName(r)).to.equal('localhost/library/busybox:latest');
  });

  it('accepts a digest alone or after a tag', () => {
    const d = parseReference(`busybox@${DIGEST}`);
    expect(d).to.deep.equal({domain: 'localhost', path: 'busybox', tag: undefined, digest: DIGEST, short: true});
    expect(canonicalName(d)).to.equal(`localhost/busybox@${DIGEST}`);
    const td = parseReference(`quay.io/org/app:v1.2@${DIGEST}`);
    expect(td).to.deep.equal({domain: 'quay.io', path: 'org/app', tag: 'v1.2', digest: DIGEST, short: false});
    expect(canonicalName(td)).to.equal(`quay.io/org/app:v1.2@${DIGEST}`);
  });

  it('accepts the separators Docker allows inside components', () => {
    expect(parseReference('my-app_2__y/sub---part.x:Tag_1.0-rc').path).to.equal('my-app_2__y/sub---part.x');
  });

  for (const [what, ref] of [
    ['an upper-case repository', 'Demo'],
    ['an upper-case path component', 'docker.io/Library/busybox'],
    ['an empty tag', 'demo:'],
    ['a tag starting with "-"', 'demo:-bad'],
    ['a tag starting with "."', 'demo:.bad'],
    ['a tag with "/"-less junk', 'demo:a+b'],
    ['a 129-character tag', `demo:${'t'.repeat(129)}`],
    ['a short digest', 'demo@sha256:abc'],
    ['an upper-case digest', `demo@sha256:${'A'.repeat(64)}`],
    ['a digest of another algorithm', `demo@md5:${'0'.repeat(32)}`],
    ['an empty digest', 'demo@'],
    ['an empty string', ''],
    ['an empty component', 'a//b'],
    ['a leading slash', '/demo'],
    ['a trailing slash', 'demo/'],
    ['a component starting with a separator', 'a/-b'],
    ['a component ending with a separator', 'a/b.'],
    ['three underscores', 'a___b'],
    ['a registry with a bad port', 'registry.example:port/a'],
    ['a registry that is not a host name', 'my_registry.example/a'],
    ['spaces', 'my image'],
    ['a string over 512 characters', 'a'.repeat(513)],
  ] as const) {
    it(`refuses ${what} with InvalidInputError naming the input`, () => {
      let err: Error | undefined;
      try {
        parseReference(ref);
      } catch (e) {
        err = e as Error;
      }
      expect(err, ref).to.be.instanceOf(InvalidInputError);
      expect(err!.message).to.contain(`invalid image reference "${ref}"`);
    });
  }

  it('says so when the repository has upper-case letters', () => {
    expect(() => parseReference('Demo')).to.throw(InvalidInputError, 'repository names must be lowercase');
  });

  it('limits the repository name to 255 characters as Docker does, so that every accepted name has a usable canonical form', () => {
    expect(canonicalName(parseReference('a'.repeat(245)))).to.equal(`localhost/${'a'.repeat(245)}:latest`); // 255 with "localhost/"
    expect(() => parseReference('a'.repeat(246))).to.throw(InvalidInputError);
    expect(() => parseReference(`docker.io/${'a'.repeat(300)}:v1`)).to.throw(InvalidInputError);
  });
});

describe('unit: image/reference canonicalName and splitName', () => {
  it('canonicalName adds :latest only when there is neither tag nor digest', () => {
    expect(canonicalName({domain: 'localhost', path: 'x', short: true})).to.equal('localhost/x:latest');
    expect(canonicalName({domain: 'localhost', path: 'x', tag: 'v1', short: true})).to.equal('localhost/x:v1');
    expect(canonicalName({domain: 'localhost', path: 'x', digest: DIGEST, short: true})).to.equal(`localhost/x@${DIGEST}`);
  });

  it('splitName separates repository and tag as `images` shows them', () => {
    expect(splitName('localhost/demo:latest')).to.deep.equal({repository: 'localhost/demo', tag: 'latest'});
    expect(splitName('localhost:5000/a/b:tag')).to.deep.equal({repository: 'localhost:5000/a/b', tag: 'tag'});
    expect(splitName('localhost:5000/a/b')).to.deep.equal({repository: 'localhost:5000/a/b', tag: '<none>'});
    expect(splitName(`localhost/demo@${DIGEST}`)).to.deep.equal({repository: 'localhost/demo', tag: '<none>'});
    expect(splitName(`docker.io/library/busybox:1.36@${DIGEST}`)).to.deep.equal({repository: 'docker.io/library/busybox', tag: '1.36'});
  });
});

describe('unit: image/reference properties', () => {
  /** Milliseconds of the fastest of a few runs, so that a GC pause does not count as slowness. */
  function fastest(fn: () => void): number {
    let best = Infinity;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      fn();
      best = Math.min(best, performance.now() - t0);
    }
    return best;
  }

  function check(input: string): void {
    let ref: ImageReference | undefined;
    let err: unknown;
    const t0 = performance.now();
    try {
      ref = parseReference(input);
    } catch (e) {
      err = e;
    }
    let ms = performance.now() - t0;
    if (ms > 5) {
      ms = fastest(() => {
        try {
          parseReference(input);
        } catch {
          // timing only
        }
      });
    }
    expect(ms, `parseReference took ${ms.toFixed(1)} ms on ${JSON.stringify(input.slice(0, 80))}… (${input.length} chars)`).to.be.below(5);
    if (err !== undefined) {
      expect(err, String(err)).to.be.instanceOf(InvalidInputError);
      return;
    }
    const name = canonicalName(ref!);
    const again = parseReference(name);
    expect(canonicalName(again)).to.equal(name);
    expect(again).to.deep.include({domain: ref!.domain, path: ref!.path, digest: ref!.digest});
    expect(again.tag).to.equal(ref!.tag ?? (ref!.digest ? undefined : 'latest'));
  }

  const hostileChar = fc.constantFrom('a', 'b', 'z', '0', '9', '.', '-', '_', '/', ':', '@', 'A', '[', ']', ' ', 'é', '\n');
  const hostile = fc.oneof(
    fc.string({unit: hostileChar, maxLength: 700}),
    // long runs of one repeated piece followed by a character that makes the end fail
    fc.tuple(fc.constantFrom('a', 'a-', 'a.', 'a_', 'a__', 'a/', 'a-/', '-', '_', '.', 'a:', '0', '[0', 'a.b:1/'), fc.integer({min: 1, max: 600}),
      fc.constantFrom('', '!', '-', '/', ':', '@', 'A', '__', ':-', '@sha256:')).map(([piece, n, end]) => piece.repeat(n) + end),
    fc.string({maxLength: 600}),
    // valid-looking names around the length limits
    fc.tuple(fc.integer({min: 200, max: 520}), fc.constantFrom('', ':v1', `:${'t'.repeat(128)}`, `@${DIGEST}`))
      .map(([n, suffix]) => `${'a'.repeat(n)}${suffix}`),
  );

  const component = fc.stringMatching(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/).filter((s) => s.length <= 40);
  const valid = fc.record({
    domain: fc.option(fc.constantFrom('localhost', 'docker.io', 'quay.io', 'localhost:5000', 'registry.example.com:443', '[::1]:5000'), {nil: undefined}),
    parts: fc.array(component, {minLength: 1, maxLength: 4}),
    tag: fc.option(fc.stringMatching(/^\w[\w.-]{0,20}$/), {nil: undefined}),
    digest: fc.option(fc.stringMatching(/^[a-f0-9]{64}$/).map((h) => `sha256:${h}`), {nil: undefined}),
  })
    // without a registry, a first component with a "." would itself be read as a registry (Docker's rule)
    .filter(({domain, parts}) => domain !== undefined || parts.length === 1 || !parts[0].includes('.'))
    .map(({domain, parts, tag, digest}) => `${domain ? `${domain}/` : ''}${parts.join('/')}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`);

  it('on hostile strings is fast and either refuses them or returns a name that re-canonicalizes to itself', () => {
    fc.assert(fc.property(hostile, check), {numRuns: 2000});
  });

  it('accepts generated valid references and round-trips them', () => {
    fc.assert(fc.property(valid, (input) => {
      check(input);
      expect(() => parseReference(input)).not.to.throw();
    }), {numRuns: 1000});
  });
});
