// image-history: history entries from an image record as Podman 4.3 builds them (layer sizes walked from
// the top, empty layers, ids of local images whose layers are a prefix), the template rows and the JSON.
import {expect} from 'chai';
import {goTime, historyEntries, historyJson, historyRow, truncateCreatedBy, MISSING_ID, type HistoryEntry} from '../../src/image/image-history';
import type {ImageRecord, OciImageConfig} from '../../src/storage/image-store';

const hex = (c: string) => c.repeat(64);
const diff = (c: string) => `sha256:${hex(c)}`;
type History = NonNullable<OciImageConfig['history']>;

function image(id: string, layers: [string, number][], history: History, created = '2026-01-01T00:00:00Z'): ImageRecord {
  return {
    id, digest: `sha256:${hex('d')}`, configDigest: `sha256:${id}`, created,
    layers: layers.map(([c, size]) => ({diffId: diff(c), digest: `sha256:${hex('e')}`, mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size})),
    config: {architecture: 'amd64', os: 'linux', rootfs: {type: 'layers', diff_ids: layers.map(([c]) => diff(c))}, history},
  };
}

const T = '2026-01-01T00:00:00Z';
// The fixture of the Podman comparison: layers a (10240) and b (40960); ENV and CMD made no layer.
const MAIN = image(hex('1'), [['a', 10240], ['b', 40960]], [
  {created: T, created_by: '/bin/sh -c #(nop) ADD file:a in /', comment: 'first'},
  {created: T, created_by: '/bin/sh -c #(nop)  ENV X=1', empty_layer: true},
  {created: '2026-01-02T03:04:05.123456789+02:00', created_by: 'COPY b /'},
  {created: T, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true},
]);
const BASE = image(hex('2'), [['a', 10240]], [{created: T, created_by: '/bin/sh -c #(nop) ADD file:a in /', comment: 'first'}]);

const pick = (es: HistoryEntry[]) => es.map((e) => [e.id, e.createdBy, e.size]);

describe('unit: image/image-history', () => {
  it('walks the layers from the top; empty layers have size 0 and do not move down', () => {
    expect(pick(historyEntries(MAIN, [MAIN]))).to.deep.equal([
      [MAIN.id, '/bin/sh -c #(nop)  CMD ["sh"]', 0],
      [MISSING_ID, 'COPY b /', 40960],
      [MISSING_ID, '/bin/sh -c #(nop)  ENV X=1', 0],
      [MISSING_ID, '/bin/sh -c #(nop) ADD file:a in /', 10240],
    ]);
  });

  it('shows the id of a local image whose layers are a prefix, on the first entry that reaches its top layer', () => {
    const ids = historyEntries(MAIN, [BASE, MAIN]).map((e) => e.id);
    // As Podman: the ENV entry (still on layer a) takes the base's id, the ADD below it no longer can.
    expect(ids).to.deep.equal([MAIN.id, MISSING_ID, BASE.id, MISSING_ID]);
    expect(historyEntries(BASE, [MAIN, BASE]).map((e) => e.id)).to.deep.equal([BASE.id]);
  });

  it('prefers the image itself when another image has the very same layers', () => {
    const twin = {...image(hex('0'), [['a', 10240], ['b', 40960]], MAIN.config.history!), created: '2020-01-01T00:00:00Z'};
    expect(historyEntries(MAIN, [twin, MAIN])[0].id).to.equal(MAIN.id);
    expect(historyEntries(MAIN, [twin, MAIN]).map((e) => e.id)).to.not.include(twin.id);
  });

  it('gives entries beyond the last layer size 0, and copes with no history or no layers', () => {
    const short = image(hex('3'), [['c', 7]], [{created_by: 'one'}, {created_by: 'two'}]);
    expect(pick(historyEntries(short, [short]))).to.deep.equal([[short.id, 'two', 7], [MISSING_ID, 'one', 0]]);
    expect(historyEntries(image(hex('4'), [['c', 7]], []), [])).to.deep.equal([]);
    const none = image(hex('5'), [], [{created_by: 'x', empty_layer: true}]);
    expect(pick(historyEntries(none, [none]))).to.deep.equal([[none.id, 'x', 0]]);
  });

  it('rows: truncated id and CREATED BY, human or RFC 3339 time, human size, empty Tags', () => {
    const [top, copy] = historyEntries(MAIN, [MAIN]);
    const now = Date.parse('2026-01-01T03:00:00Z');
    expect(historyRow(top, {human: true, noTrunc: false, now})).to.deep.equal({
      ID: hex('1').slice(0, 12), Created: '3 hours ago', CreatedBy: '/bin/sh -c #(nop)  CMD ["sh"]', Size: '0 B', Comment: '', Tags: [],
    });
    expect(historyRow(copy, {human: false, noTrunc: false, now})).to.include({ID: MISSING_ID, Created: '2026-01-02T03:04:05+02:00', Size: '41 kB'});
    expect(historyRow(top, {human: false, noTrunc: true, now}).ID).to.equal(hex('1'));
  });

  it('JSON: Podman key order, Go time encodings, empty fields omitted', () => {
    const [top, copy] = historyEntries(MAIN, [MAIN]);
    expect(Object.keys(historyJson(top))).to.deep.equal(['id', 'created', 'CreatedBy', 'size', 'Created']);
    expect(historyJson(copy)).to.deep.equal({id: MISSING_ID, created: '2026-01-02T03:04:05.123456789+02:00', CreatedBy: 'COPY b /', size: 40960, Created: '2026-01-02T03:04:05+02:00'});
    const last = historyEntries(MAIN, [MAIN])[3];
    expect(historyJson(last)).to.deep.equal({id: MISSING_ID, created: T, CreatedBy: '/bin/sh -c #(nop) ADD file:a in /', size: 10240, comment: 'first', Created: T});
  });

  it('CREATED BY is cut at 45 bytes as Podman does', () => {
    const long = 'delete /etc/removed-in-layer3, add /etc/added-in-layer3';
    expect(truncateCreatedBy(long, false)).to.equal('delete /etc/removed-in-layer3, add /etc/ad...');
    expect(truncateCreatedBy(long, true)).to.equal(long);
    expect(truncateCreatedBy('x'.repeat(45), false)).to.equal('x'.repeat(45));
  });

  it('goTime: own offset, Z for zero offsets, nanoseconds without trailing zeros, Go zero time when missing', () => {
    expect(goTime('2026-01-02T03:04:05.120000Z', true)).to.equal('2026-01-02T03:04:05.12Z');
    expect(goTime('2026-01-02T03:04:05.000Z', true)).to.equal('2026-01-02T03:04:05Z');
    expect(goTime('2026-01-02T03:04:05+00:00', false)).to.equal('2026-01-02T03:04:05Z');
    expect(goTime('2026-01-02T03:04:05.5-07:00', false)).to.equal('2026-01-02T03:04:05-07:00');
    expect(goTime(undefined, true)).to.equal('0001-01-01T00:00:00Z');
    expect(historyRow({id: 'x', createdBy: '', size: 0, comment: '', tags: []}, {human: true, noTrunc: false}).Created).to.equal('292 years ago');
  });
});
