// The text/tabwriter port against Go's own documented vectors (text/tabwriter tests and examples) and the
// table output containers/common's report package expects with Podman's settings (minwidth 12, padding 2).
import {expect} from 'chai';
import * as fc from 'fast-check';
import {formatTable, PODMAN_TABLE, TabFlags, TabWriter, type TabWriterOptions} from '../../src/format/tabwriter';

const {AlignRight, DiscardEmptyColumns, Debug} = TabFlags;

/** Writes `src` whole, one character at a time and in growing chunks; all must give the same output. */
function check(opts: TabWriterOptions, src: string, expected: string): void {
  expect(formatTable(src, opts), 'written at once').to.equal(expected);
  const bytewise = new TabWriter(opts);
  for (const ch of src) bytewise.write(ch);
  expect(bytewise.flush(), 'written char by char').to.equal(expected);
  const chunked = new TabWriter(opts);
  for (let i = 0, d = 1; i < src.length; i += d, d++) chunked.write(src.slice(i, i + d));
  expect(chunked.flush(), 'written in chunks').to.equal(expected);
}

const w = (minWidth: number, tabWidth: number, padding: number, padChar: string, flags = 0): TabWriterOptions => ({
  minWidth,
  tabWidth,
  padding,
  padChar,
  flags,
});

describe('tabwriter: Go text/tabwriter vectors', () => {
  const vectors: Array<[string, TabWriterOptions, string, string]> = [
    ['empty', w(8, 0, 1, '.'), '', ''],
    ['empty debug', w(8, 0, 1, '.', Debug), '', ''],
    ['newlines only', w(8, 0, 1, '.'), '\n\n\n', '\n\n\n'],
    ['no tabs', w(8, 0, 1, '.'), 'a\nb\nc', 'a\nb\nc'],
    ['lone tab on last line', w(8, 0, 1, '.'), '\t', ''],
    ['lone tab, right aligned', w(8, 0, 1, '.', AlignRight), '\t', ''],
    ['one cell then text', w(8, 0, 1, '.'), '*\t*', '*.......*'],
    ['one cell then text and newline', w(8, 0, 1, '.'), '*\t*\n', '*.......*\n'],
    ['trailing cell on last line is not padded', w(8, 0, 1, '.'), '*\t*\t', '*.......*'],
    ['debug bars', w(8, 0, 1, '.', Debug), '*\t*\t', '*.......|*'],
    ['right aligned', w(8, 0, 1, '.', AlignRight), '*\t*\t', '.......**'],
    ['empty cell', w(8, 0, 1, '.'), '\t\n', '........\n'],
    ['plain text', w(8, 0, 1, '.'), 'a) foo', 'a) foo'],
    ['space padding', w(8, 0, 1, ' '), 'b) foo\tbar', 'b) foo  bar'],
    ['terminated last cell', w(8, 0, 1, '.'), 'c) foo\tbar\t', 'c) foo..bar'],
    ['newline ends the line', w(8, 0, 1, '.'), 'd) foo\tbar\n', 'd) foo..bar\n'],
    ['tab-terminated before newline is padded', w(8, 0, 1, '.'), 'e) foo\tbar\t\n', 'e) foo..bar.....\n'],
    ['padding char never used without tabs', w(8, 0, 1, '*'), 'Hello, world!\n', 'Hello, world!\n'],
    ['minwidth 1', w(1, 0, 0, '.'), '1\t2\t3\t4\n11\t222\t3333\t44444\n', '1.2..3...4\n11222333344444\n'],
    ['formfeed flushes', w(1, 0, 0, '.'), '1\t2\t3\t4\f11\t222\t3333\t44444\n', '1234\n11222333344444\n'],
    ['formfeed debug', w(1, 0, 0, '.', Debug), '1\t2\t3\t4\f11\t222\t3333\t44444\n', '1|2|3|4\n---\n11|222|3333|44444\n'],
    ['minwidth 5', w(5, 0, 0, '.'), '1\t2\t3\t4\n', '1....2....3....4\n'],
    ['minwidth 5, terminated', w(5, 0, 0, '.'), '1\t2\t3\t4\t\n', '1....2....3....4....\n'],
    [
      'widths count characters, not bytes',
      w(8, 0, 1, '.'),
      '本\tb\tc\naa\t本本本\tcccc\tddddd\naaa\tbbbb\n',
      '本.......b.......c\naa......本本本.....cccc....ddddd\naaa.....bbbb\n',
    ],
    [
      'right aligned accented',
      w(8, 0, 1, ' ', AlignRight),
      'a\tè\tc\t\naa\tèèè\tcccc\tddddd\t\naaa\tèèèè\t\n',
      '       a       è       c\n      aa     èèè    cccc   ddddd\n     aaa    èèèè\n',
    ],
    ['no padding', w(2, 0, 0, ' '), 'a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n', 'a  b  c\naa bbbcccc\naaabbbb\n'],
    ['underscore', w(8, 0, 1, '_'), 'a\tb\tc\naa\tbbb\tcccc\naaa\tbbbb\n', 'a_______b_______c\naa______bbb_____cccc\naaa_____bbbb\n'],
    [
      'blocks end where a line lacks the column',
      w(4, 0, 1, '-'),
      '4444\t日本語\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n',
      '4444------日本語-22--1---333\n999999999-22\n7---------22\n------------------88888888\n\n666666-666666-666666----4444\n1------1------999999999-0000000000\n',
    ],
    [
      'padding 3',
      w(4, 0, 3, '.'),
      '4444\t333\t22\t1\t333\n999999999\t22\n7\t22\n\t\t\t88888888\n\n666666\t666666\t666666\t4444\n1\t1\t999999999\t0000000000\n',
      '4444........333...22...1...333\n999999999...22\n7...........22\n....................88888888\n\n666666...666666...666666......4444\n1........1........999999999...0000000000\n',
    ],
    [
      'numbers right aligned',
      w(1, 0, 2, ' ', AlignRight),
      '.0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t',
      '    .0          .3    2.4    -5.1\n  23.0  12345678.9    2.4  -989.4\n   5.1        12.0    2.4    -7.0\n    .0         0.0  332.0  8908.0\n    .0         -.3  456.4    22.1\n    .0         1.2   44.4   -13.3',
    ],
    [
      'numbers right aligned, debug',
      w(1, 0, 2, ' ', AlignRight | Debug),
      '.0\t.3\t2.4\t-5.1\t\n23.0\t12345678.9\t2.4\t-989.4\t\n5.1\t12.0\t2.4\t-7.0\t\n.0\t0.0\t332.0\t8908.0\t\n.0\t-.3\t456.4\t22.1\t\n.0\t1.2\t44.4\t-13.3\t\t',
      '    .0|          .3|    2.4|    -5.1|\n  23.0|  12345678.9|    2.4|  -989.4|\n   5.1|        12.0|    2.4|    -7.0|\n    .0|         0.0|  332.0|  8908.0|\n    .0|         -.3|  456.4|    22.1|\n    .0|         1.2|   44.4|   -13.3|',
    ],
    ['empty column', w(4, 0, 0, '.'), 'a\t\tb', 'a.......b'],
    ['hard tabs keep empty columns', w(4, 0, 0, '.', DiscardEmptyColumns), 'a\t\tb', 'a.......b'],
    ['soft tabs discard empty columns', w(4, 0, 0, '.', DiscardEmptyColumns), 'a\v\vb', 'a...b'],
    ['discard, right aligned', w(4, 0, 0, '.', AlignRight | DiscardEmptyColumns), 'a\v\vb', '...ab'],
    [
      'tab padding',
      w(100, 100, 0, '\t'),
      'a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n',
      'a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n',
    ],
    [
      'tab padding, discarding soft columns',
      w(100, 100, 0, '\t', DiscardEmptyColumns),
      'a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n',
      'a\tb\td\na\tb\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n',
    ],
    [
      'tab padding, discarding, debug',
      w(100, 100, 0, '\t', DiscardEmptyColumns | Debug),
      'a\vb\v\vd\na\vb\v\vd\ve\na\na\vb\vc\vd\na\vb\vc\vd\ve\n',
      'a\t|b\t||d\na\t|b\t||d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n',
    ],
    [
      'tab padding, hard tabs kept, debug',
      w(100, 100, 0, '\t', DiscardEmptyColumns | Debug),
      'a\tb\t\td\na\tb\t\td\te\na\na\tb\tc\td\na\tb\tc\td\te\n',
      'a\t|b\t|\t|d\na\t|b\t|\t|d\t|e\na\na\t|b\t|c\t|d\na\t|b\t|c\t|d\t|e\n',
    ],
  ];
  for (const [name, opts, src, expected] of vectors) {
    it(name, () => check(opts, src, expected));
  }

  it('Writer.Init example: tab stops of 8', () => {
    check(w(0, 8, 0, '\t'), 'a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n', 'a\tb\tc\td\t\t.\n123\t12345\t1234567\t123456789\t.\n\n');
  });

  it('Writer.Init example: right aligned, minimal width 5', () => {
    check(
      w(5, 0, 1, ' ', AlignRight),
      'a\tb\tc\td\t.\n123\t12345\t1234567\t123456789\t.\n\n',
      '    a     b       c         d.\n  123 12345 1234567 123456789.\n\n',
    );
  });

  it('elastic tabstops example: columns are contiguous runs of cells', () => {
    check(w(0, 0, 1, '.', AlignRight | Debug), 'a\tb\tc\naa\tbb\tcc\naaa\t\naaaa\tdddd\teeee\n', '....a|..b|c\n...aa|.bb|cc\n..aaa|\n.aaaa|.dddd|eeee\n');
  });
});

describe('tabwriter: Podman table settings', () => {
  const rows = 'Identity\tValue\nc061a0839e\tone\nf10fc2e11057\ttwo\n1eb6fab5aa8f4b5cbfd3e66aa35e9b2a\tthree\n';

  it('uses minwidth 12, tabwidth 2, padding 2, spaces by default', () => {
    expect(PODMAN_TABLE).to.deep.equal({minWidth: 12, tabWidth: 2, padding: 2, padChar: ' ', flags: 0});
  });

  it('aligns a report table as containers/common expects', () => {
    expect(formatTable(rows)).to.equal(
      'Identity                          Value\n' +
        'c061a0839e                        one\n' +
        'f10fc2e11057                      two\n' +
        '1eb6fab5aa8f4b5cbfd3e66aa35e9b2a  three\n',
    );
  });

  it('re-initialised with (8, 1, 1, Debug) as in containers/common', () => {
    expect(formatTable(rows, {minWidth: 8, tabWidth: 1, padding: 1, padChar: ' ', flags: Debug})).to.equal(
      'Identity                         |Value\n' +
        'c061a0839e                       |one\n' +
        'f10fc2e11057                     |two\n' +
        '1eb6fab5aa8f4b5cbfd3e66aa35e9b2a |three\n',
    );
  });

  it('pads short columns to the minimum width of 12 and leaves the last cell alone', () => {
    expect(formatTable(['ID\tNAME', 'a\tb  '])).to.equal('ID          NAME\na           b  \n');
    expect(formatTable('Value\tIdent\nIdentity\tID\nValue\tIdent\nc061a0839e\tIDf10fc2e11057\tID1eb6fab5aa8f4b5cbfd3e66aa35e9b2a\tID\n')).to.equal(
      'Value       Ident\nIdentity    ID\nValue       Ident\nc061a0839e  IDf10fc2e11057  ID1eb6fab5aa8f4b5cbfd3e66aa35e9b2a  ID\n',
    );
  });

  it('accepts an array of lines', () => {
    expect(formatTable(['CONTAINER ID\tNAMES', '3b9e6e1a2f4c\tweb'])).to.equal('CONTAINER ID  NAMES\n3b9e6e1a2f4c  web\n');
  });
});

describe('tabwriter: properties', () => {
  const noTabs = fc.string({unit: 'binary'}).filter((s) => !/[\t\v\f]/.test(s));

  it('text without tabs passes through unchanged', () => {
    fc.assert(
      fc.property(noTabs, (s) => {
        expect(formatTable(s)).to.equal(s);
      }),
    );
  });

  it('keeps every line and every cell, in order', () => {
    const cell = fc.string({unit: 'grapheme-ascii', maxLength: 15}).map((s) => s.replace(/[\t\v\f\n]/g, ''));
    const table = fc.array(fc.array(cell, {minLength: 1, maxLength: 5}), {maxLength: 8});
    fc.assert(
      fc.property(table, (rows) => {
        const out = formatTable(rows.map((r) => r.join('\t')));
        const lines = out.split('\n');
        expect(lines).to.have.length(rows.length + 1);
        rows.forEach((r, i) => {
          // Padding is spaces only, so the cells reappear in order.
          let rest = lines[i];
          for (const c of r) {
            const at = rest.indexOf(c);
            expect(at).to.be.at.least(0);
            rest = rest.slice(at + c.length);
          }
          expect(lines[i].endsWith(r[r.length - 1])).to.equal(true);
        });
      }),
    );
  });
});
