// `--format` handling of list, inspect and info-style commands against what Podman prints: JSON layouts,
// `table` headers and alignment, plain templates, and containers/common's own report expectations.
import {expect} from 'chai';
import * as fc from 'fast-check';
import {InvalidInputError} from '../../src/errors';
import {goMap} from '../../src/format/go-template';
import {
  camelCaseSplit,
  enforceRange,
  headerFor,
  isJsonFormat,
  normalizeFormat,
  renderInspect,
  renderList,
  renderObject,
} from '../../src/format/output';

// The rows containers/common's formatter tests use.
const reportRows = [
  {ID: 'c061a0839e', Value: 'one'},
  {ID: 'f10fc2e11057', Value: 'two'},
  {ID: '1eb6fab5aa8f4b5cbfd3e66aa35e9b2a', Value: 'three'},
];
const reportSpec = {defaultFormat: 'table {{.ID}}\t{{.Value}}', headers: {ID: 'Identity'}};
const reportTable =
  'IDENTITY                          VALUE\n' +
  'c061a0839e                        one\n' +
  'f10fc2e11057                      two\n' +
  '1eb6fab5aa8f4b5cbfd3e66aa35e9b2a  three\n';

const containers = [
  {ID: '3b9e6e1a2f4c', Image: 'docker.io/library/alpine:latest', Names: 'web', Labels: goMap({tier: 'front'}), CreatedAt: '2 hours ago'},
  {ID: 'a1b2c3d4e5f6', Image: 'quay.io/podman/hello:latest', Names: 'db', Labels: goMap({}), CreatedAt: '5 days ago'},
];
const psSpec = {
  name: 'ps',
  defaultFormat: 'table {{.ID}}\t{{.Image}}\t{{.Names}}',
  headers: {ID: 'container id'},
};

describe('output: format detection and normalisation', () => {
  it('recognises the JSON requests report.IsJSON accepts', () => {
    for (const f of ['json', ' json\n', '{{json}}', '{{ json }}', '{{json.}}', '{{ json. }}']) expect(isJsonFormat(f), f).to.equal(true);
    for (const f of ['{{json .}}', 'table json', 'JSON', '{{json .ID}}']) expect(isJsonFormat(f), f).to.equal(false);
  });

  it('normalises like report.NormalizeFormat', () => {
    expect(normalizeFormat('{{.ID}}\t{{.ID}}')).to.equal('{{.ID}}\t{{.ID}}\n');
    expect(normalizeFormat('{{.ID}}\\t{{.ID}}')).to.equal('{{.ID}}\t{{.ID}}\n');
    expect(normalizeFormat('{{.ID}} {{.ID}}')).to.equal('{{.ID}} {{.ID}}\n');
    expect(normalizeFormat('table {{.ID}}\\t{{.ID}}')).to.equal('{{.ID}}\t{{.ID}}\n');
    expect(normalizeFormat('table {{.ID}} {{.ID}}')).to.equal('{{.ID}}\t{{.ID}}\n');
    expect(normalizeFormat('{{.ID}}\\n')).to.equal('{{.ID}}\n');
  });

  it('wraps templates in a range unless they already have one', () => {
    expect(enforceRange('foobar was here')).to.equal('{{range .}}foobar was here{{end -}}');
    expect(enforceRange('{{range .}}foobar was here{{end}}')).to.equal('{{range .}}foobar was here{{end}}');
    expect(enforceRange('{{ range . }}\nx\n{{ end -}}')).to.equal('{{ range . }}\nx\n{{ end -}}');
  });

  it('derives headers like report.Headers', () => {
    expect(headerFor('ID', {ID: 'container id'})).to.equal('CONTAINER ID');
    expect(headerFor('CreatedAt')).to.equal('CREATED AT');
    expect(headerFor('ImageID')).to.equal('IMAGE ID');
    expect(headerFor('Fieldb')).to.equal('FIELDB');
    expect(camelCaseSplit('PDFLoader')).to.deep.equal(['PDF', 'Loader']);
    expect(camelCaseSplit('GL11Version')).to.deep.equal(['GL', '11', 'Version']);
    expect(camelCaseSplit('BöseÜberraschung')).to.deep.equal(['Böse', 'Überraschung']);
    expect(camelCaseSplit('vimRPCPlugin')).to.deep.equal(['vim', 'RPC', 'Plugin']);
  });
});

describe('output: renderList', () => {
  it('prints the default table with upper-cased headers and aligned columns', () => {
    expect(renderList(reportRows, reportSpec)).to.equal(reportTable);
    expect(renderList(containers, psSpec)).to.equal(
      'CONTAINER ID  IMAGE                            NAMES\n' +
        '3b9e6e1a2f4c  docker.io/library/alpine:latest  web\n' +
        'a1b2c3d4e5f6  quay.io/podman/hello:latest      db\n',
    );
  });

  it('prints the header alone for an empty list, and nothing with --noheading', () => {
    expect(renderList([], psSpec)).to.equal('CONTAINER ID  IMAGE       NAMES\n');
    expect(renderList([], {...psSpec, noHeading: true})).to.equal('');
    expect(renderList(containers, {...psSpec, noHeading: true})).to.equal(
      '3b9e6e1a2f4c  docker.io/library/alpine:latest  web\na1b2c3d4e5f6  quay.io/podman/hello:latest      db\n',
    );
  });

  it('treats a user "table" template alike, whether columns are split by tabs, typed \\t or spaces', () => {
    for (const format of ['table {{.ID}}\t{{.Value}}', 'table {{.ID}}\\t{{.Value}}', 'table {{.ID}} {{.Value}}', 'table {{ .ID}}\t{{.Value}}\\n']) {
      expect(renderList(reportRows, {...reportSpec, format}), format).to.equal(reportTable);
    }
  });

  it('heads unknown columns with the split, upper-cased field name', () => {
    expect(renderList(containers, {...psSpec, format: 'table {{.Names}}\t{{.CreatedAt}}'})).to.equal(
      'NAMES       CREATED AT\nweb         2 hours ago\ndb          5 days ago\n',
    );
  });

  it('heads map lookups and function calls by the field they start from', () => {
    expect(renderList(containers, {...psSpec, format: 'table {{.ID}}\t{{.Labels.tier}}\t{{upper .Names}}'})).to.equal(
      'CONTAINER ID  LABELS      NAMES\n3b9e6e1a2f4c  front       WEB\na1b2c3d4e5f6  <no value>  DB\n',
    );
  });

  it('renders other templates once per row, without header or alignment', () => {
    expect(renderList(containers, {...psSpec, format: '{{.ID}}\t{{.Names}}'})).to.equal('3b9e6e1a2f4c\tweb\na1b2c3d4e5f6\tdb\n');
    expect(renderList(containers, {...psSpec, format: '{{.ID}} {{.Names}}\\n'})).to.equal('3b9e6e1a2f4c web\na1b2c3d4e5f6 db\n');
    expect(renderList(containers, {...psSpec, format: '{{json .Labels}}'})).to.equal('{"tier":"front"}\n{}\n');
    expect(renderList([], {...psSpec, format: '{{.ID}}'})).to.equal('');
  });

  it('matches containers/common for templates that range themselves', () => {
    const spec = {...reportSpec};
    expect(renderList(reportRows, {...spec, format: '{{range .}}{{.ID}}\tID{{end}}'})).to.equal(
      'c061a0839e\tIDf10fc2e11057\tID1eb6fab5aa8f4b5cbfd3e66aa35e9b2a\tID\n',
    );
    expect(renderList(reportRows, {...spec, format: '{{range .}}{{.ID}}\tID\n{{end}}'})).to.equal(
      'c061a0839e\tID\nf10fc2e11057\tID\n1eb6fab5aa8f4b5cbfd3e66aa35e9b2a\tID\n\n',
    );
    expect(renderList(reportRows, {...spec, format: '{{range .}}{{.ID}}{{end -}}'})).to.equal(
      'c061a0839ef10fc2e110571eb6fab5aa8f4b5cbfd3e66aa35e9b2a',
    );
    // A typed \n inside a quoted string breaks the rewritten template, so the original text is used.
    expect(renderList(reportRows, {...spec, format: '{{range .}}{{printf "\\n"}}{{end -}}'})).to.equal('\n\n\n');
    expect(renderList([{ID: 'c061a0839e'}], {...spec, format: 'ID\t{{.ID}}'})).to.equal('ID\tc061a0839e\n');
  });

  it('renders plain field templates exactly as the full engine does', () => {
    // `| print` is an identity on strings that routes the template through the engine.
    const text = fc.string({maxLength: 6}).map((t) => t.replace(/[{\\]/g, ''));
    const row = fc.record({A: fc.string({maxLength: 12}), B: fc.string({maxLength: 12})});
    fc.assert(
      fc.property(fc.boolean(), text, text, fc.array(row, {maxLength: 5}), fc.boolean(), (table, t1, t2, rows, noHeading) => {
        const plain = `${table ? 'table ' : ''}${t1}{{.A}}\t${t2}{{ .B }}`;
        const viaEngine = `${table ? 'table ' : ''}${t1}{{.A | print}}\t${t2}{{ .B | print }}`;
        const spec = {defaultFormat: 'table {{.A}}', headers: {A: 'first'}, noHeading};
        expect(renderList(rows, {...spec, format: plain})).to.equal(renderList(rows, {...spec, format: viaEngine}));
      }),
    );
  });

  it('prints --format json as an indented JSON array, [] when empty', () => {
    expect(renderList([], {...psSpec, format: 'json'})).to.equal('[]\n');
    expect(renderList([{ID: 'a<b', Size: 1}], {...psSpec, format: 'json'})).to.equal(
      '[\n    {\n        "ID": "a\\u003cb",\n        "Size": 1\n    }\n]\n',
    );
    // podman ps indents its JSON by two spaces.
    expect(renderList([{ID: 'x', Names: ['a']}], {...psSpec, format: '{{json}}', jsonIndent: 2})).to.equal(
      '[\n  {\n    "ID": "x",\n    "Names": [\n      "a"\n    ]\n  }\n]\n',
    );
  });

  it('fails with Podman\'s message for an unknown field, positioned after the added range', () => {
    let err: unknown;
    try {
      renderList(containers, {...psSpec, format: '{{.Label "tier"}}'});
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(InvalidInputError);
    expect((err as Error).message).to.match(/^template: ps:1:13: executing "ps" at <\.Label>: can't evaluate field Label in type struct/);
    expect(() => renderList(containers, {...psSpec, format: '{{.ID | nosuch}}'})).to.throw(InvalidInputError, 'template: ps:1: function "nosuch" not defined');
  });
});

describe('output: renderInspect and renderObject', () => {
  const objs = [{Id: 'abc', State: {Status: 'running', Pid: 42}, Config: {Labels: goMap({b: '<2>', a: '1'})}}];

  it('prints inspect JSON with Podman\'s 5-space indent and without HTML escaping', () => {
    expect(renderInspect(objs)).to.equal(
      '[\n' +
        '     {\n' +
        '          "Id": "abc",\n' +
        '          "State": {\n' +
        '               "Status": "running",\n' +
        '               "Pid": 42\n' +
        '          },\n' +
        '          "Config": {\n' +
        '               "Labels": {\n' +
        '                    "a": "1",\n' +
        '                    "b": "<2>"\n' +
        '               }\n' +
        '          }\n' +
        '     }\n' +
        ']\n',
    );
    expect(renderInspect(objs, 'json')).to.equal(renderInspect(objs));
    expect(renderInspect([])).to.equal('[]\n');
  });

  it('applies an inspect template to each object, one line each', () => {
    const two = [...objs, {Id: 'def', State: {Status: 'exited', Pid: 0}, Config: {Labels: goMap({})}}];
    expect(renderInspect(two, '{{.State.Status}} {{.State.Pid}}')).to.equal('running 42\nexited 0\n');
    expect(renderInspect(two, '{{.Config.Labels}}')).to.equal('map[a:1 b:<2>]\nmap[]\n');
    expect(renderInspect(two, '{{json .State}}')).to.equal('{"Status":"running","Pid":42}\n{"Status":"exited","Pid":0}\n');
    expect(() => renderInspect(two, '{{.Nope}}')).to.throw(InvalidInputError, 'template: inspect:1:13: executing "inspect" at <.Nope>');
  });

  it('renders a single object as JSON or through a template', () => {
    const info = {Host: {Arch: 'amd64', OS: 'linux'}, Version: {Version: '5.0.0'}};
    expect(renderObject(info)).to.equal(
      '{\n    "Host": {\n        "Arch": "amd64",\n        "OS": "linux"\n    },\n    "Version": {\n        "Version": "5.0.0"\n    }\n}\n',
    );
    expect(renderObject(info, 'json', {jsonIndent: 2})).to.equal(
      '{\n  "Host": {\n    "Arch": "amd64",\n    "OS": "linux"\n  },\n  "Version": {\n    "Version": "5.0.0"\n  }\n}\n',
    );
    expect(renderObject(info, '{{.Host.Arch}}/{{.Host.OS}}', {name: 'info'})).to.equal('amd64/linux\n');
    expect(renderObject(info, '{{.Host.Arch}}\\t{{.Version.Version}}\\n')).to.equal('amd64\t5.0.0\n');
    expect(() => renderObject(info, '{{.Host.Kernel}}', {name: 'info'})).to.throw(
      InvalidInputError,
      'template: info:1:7: executing "info" at <.Host.Kernel>: can\'t evaluate field Kernel in type struct',
    );
  });
});
