// The Go text/template engine against Go's documented semantics and the output Podman prints for the same
// templates: field and map access, control structures, Podman's template functions, Go value printing, and
// Go's error messages for bad templates.
import {expect} from 'chai';
import * as fc from 'fast-check';
import {InvalidInputError} from '../../src/errors';
import {compileTemplate, formatFloat, goJson, goMap, goSprintf, parseTemplate} from '../../src/format/go-template';

function render(text: string, data: unknown = {}, name = 'ps'): string {
  return compileTemplate(text, name)(data);
}

function failure(text: string, data: unknown = {}, name = 'ps'): InvalidInputError {
  try {
    render(text, data, name);
  } catch (e) {
    expect(e).to.be.instanceOf(InvalidInputError);
    return e as InvalidInputError;
  }
  throw new Error(`template ${JSON.stringify(text)} rendered without error`);
}

const container = {
  ID: '3b9e6e1a2f4c',
  Image: 'docker.io/library/alpine:latest',
  Names: ['web', 'frontend'],
  Labels: goMap({'com.example.tier': 'front', app: 'shop'}),
  Size: 42,
  Ports: [] as string[],
  Config: {Cmd: ['sh', '-c', 'sleep 1'], Env: goMap({})},
};

describe('go-template: fields and maps', () => {
  it('renders text without actions unchanged', () => {
    expect(render('CONTAINER ID  IMAGE\n', container)).to.equal('CONTAINER ID  IMAGE\n');
  });

  it('evaluates field chains and dot', () => {
    expect(render('{{.ID}} {{.Config.Cmd}}', container)).to.equal('3b9e6e1a2f4c [sh -c sleep 1]');
    expect(render('<{{.}}>', 'plain')).to.equal('<plain>');
  });

  it('reads map keys as fields, printing <no value> for a missing key', () => {
    expect(render('{{.Labels.app}}', container)).to.equal('shop');
    expect(render('{{.Labels.missing}}', container)).to.equal('<no value>');
    // Fields of a missing key are missing too, not an error.
    expect(render('{{.Labels.missing.deeper}}', container)).to.equal('<no value>');
    expect(render('{{.Config.Env.PATH}}', container)).to.equal('<no value>');
  });

  it('treats Map instances and null-prototype objects as maps', () => {
    const labels = new Map([['b', '2'], ['a', '1']]);
    expect(render('{{.L.a}}|{{.L.zz}}|{{.L}}', {L: labels})).to.equal('1|<no value>|map[a:1 b:2]');
    const bare = Object.assign(Object.create(null) as object, {x: 'y'});
    expect(render('{{.M.x}}{{.M.q}}', {M: bare})).to.equal('y<no value>');
  });

  it('fails like Podman for a field the struct does not have, naming the valid ones', () => {
    const e = failure('{{.Nope}}', container);
    expect(e.message).to.match(/^template: ps:1:2: executing "ps" at <\.Nope>: can't evaluate field Nope in type struct/);
    expect(e.message).to.contain('valid fields: ID, Image, Names, Labels, Size, Ports, Config');
    expect(e.message.split('\n')).to.have.length(1);
  });

  it('reports the position of the failing field, counting lines and bytes as Go does', () => {
    // A chained field is positioned at its second element, as Go's parser records it.
    expect(failure('{{.Labels.app}} {{.Config.Nope}}', container).message).to.match(
      /^template: ps:1:25: executing "ps" at <\.Config\.Nope>: can't evaluate field Nope in type struct/,
    );
    expect(failure('line one\nxé {{.Nope}}', container).message).to.match(/^template: ps:2:6: /);
  });

  it('fails for a field of a non-struct value', () => {
    expect(failure('{{.ID.Short}}', container).message).to.equal(
      'template: ps:1:5: executing "ps" at <.ID.Short>: can\'t evaluate field Short in type string',
    );
    expect(failure('{{.Names.first}}', container).message).to.contain("can't evaluate field first in type []string");
  });

  it('calls function-valued properties as methods, with arguments', () => {
    const row = {
      Labels: goMap({tier: 'db'}),
      Label(this: {Labels: Record<string, string>}, key: string) {
        return this.Labels[key] ?? '';
      },
      Status: () => 'Up 2 hours',
    };
    expect(render('{{.Status}} {{.Label "tier"}} {{"tier" | .Label}}', row)).to.equal('Up 2 hours db db');
  });

  it('indexes maps, slices and nested values', () => {
    expect(render('{{index .Labels "com.example.tier"}}', container)).to.equal('front');
    expect(render('{{index .Names 1}}', container)).to.equal('frontend');
    expect(render('{{index . 1 0}}', [['a'], ['b', 'c']])).to.equal('b');
    // index yields the element type's zero value for a missing key: "" for a string map.
    expect(render('[{{index .Labels "nope"}}]', container)).to.equal('[]');
  });

  it('reports index errors as Go does', () => {
    expect(failure('{{index .Names 5}}', container).message).to.equal(
      'template: ps:1:2: executing "ps" at <index>: error calling index: index out of range: 5',
    );
    expect(failure('{{index .Names "a"}}', container).message).to.contain(
      'error calling index: cannot index slice/array with type string',
    );
    expect(failure('{{index .Size 0}}', container).message).to.contain("error calling index: can't index item of type int");
  });
});

describe('go-template: control structures and variables', () => {
  it('ranges over slices, with else for empty ones', () => {
    expect(render('{{range .Names}}[{{.}}]{{end}}', container)).to.equal('[web][frontend]');
    expect(render('{{range .Ports}}{{.}}{{else}}none{{end}}', container)).to.equal('none');
    expect(render('{{range .Missing}}x{{else}}nil{{end}}', {Missing: null})).to.equal('nil');
  });

  it('ranges over maps in sorted key order, binding key and value', () => {
    expect(render('{{range $k, $v := .Labels}}{{$k}}={{$v}};{{end}}', container)).to.equal('app=shop;com.example.tier=front;');
    expect(render('{{range .Labels}}{{.}},{{end}}', container)).to.equal('shop,front,');
    expect(render('{{range $i, $n := .Names}}{{$i}}:{{$n}} {{end}}', container)).to.equal('0:web 1:frontend ');
    expect(render('{{range $n := .Names}}{{$n}}{{end}}', container)).to.equal('webfrontend');
  });

  it('ranges over an integer, and honours break and continue', () => {
    expect(render('{{range 3}}{{.}}{{end}}')).to.equal('012');
    expect(render('{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', [1, 2, 3, 4, 5])).to.equal('13');
  });

  it('keeps $ as the root inside range and with', () => {
    expect(render('{{range .Names}}{{$.ID}}/{{.}} {{end}}', container)).to.equal('3b9e6e1a2f4c/web 3b9e6e1a2f4c/frontend ');
    expect(render('{{with .Config}}{{len .Cmd}} {{$.Size}}{{end}}', container)).to.equal('3 42');
  });

  it('chooses if / else if / else branches by Go truth', () => {
    const t = compileTemplate('{{if eq .State "running"}}up{{else if .ExitCode}}failed {{.ExitCode}}{{else}}exited{{end}}');
    expect(t({State: 'running', ExitCode: 0})).to.equal('up');
    expect(t({State: 'exited', ExitCode: 137})).to.equal('failed 137');
    expect(t({State: 'exited', ExitCode: 0})).to.equal('exited');
    // Empty slices, maps and strings are false; structs are true.
    expect(render('{{if .Ports}}y{{else}}n{{end}}{{if .Config.Env}}y{{else}}n{{end}}{{if .Config}}y{{end}}', container)).to.equal('nny');
  });

  it('sets dot in with, falling to else for empty values', () => {
    expect(render('{{with .Labels.app}}app={{.}}{{end}}', container)).to.equal('app=shop');
    expect(render('{{with .Labels.none}}x{{else}}none{{end}}', container)).to.equal('none');
    expect(render('{{with .Labels.none}}x{{else with .Labels.app}}{{.}}{{end}}', container)).to.equal('shop');
  });

  it('declares and assigns variables, scoped to their block', () => {
    expect(render('{{$n := len .Names}}{{$n}}{{$n = 7}} {{$n}}', container)).to.equal('2 7');
    expect(render('{{$x := 1}}{{if true}}{{$x = 2}}{{end}}{{$x}}')).to.equal('2');
    expect(failure('{{if true}}{{$y := 1}}{{end}}{{$y}}').message).to.equal('template: ps:1: undefined variable "$y"');
  });

  it('trims whitespace next to {{- and -}} and drops comments', () => {
    expect(render('a  \n {{- .ID -}} \n  b', container)).to.equal('a3b9e6e1a2f4cb');
    expect(render('a{{/* a comment */}}b')).to.equal('ab');
    expect(render('a \n{{- /* trimmed */ -}}\n b')).to.equal('ab');
    // "-3" without a space is a number, not a trim marker.
    expect(render('x {{-3}}')).to.equal('x -3');
  });

  it('defines and invokes named templates', () => {
    expect(render('{{define "name"}}<{{.}}>{{end}}{{range .Names}}{{template "name" .}}{{end}}', container)).to.equal('<web><frontend>');
    expect(render('{{block "b" .Size}}[{{.}}]{{end}}', container)).to.equal('[42]');
  });

  it('passes a pipeline result as the last argument of the next command', () => {
    expect(render('{{.ID | printf "%s!"}}', container)).to.equal('3b9e6e1a2f4c!');
    expect(render('{{.Image | upper | printf "%.6s"}}', container)).to.equal('DOCKER');
    expect(render('{{(index .Names 1) | len}}', container)).to.equal('8');
  });
});

describe('go-template: printing values as Go does', () => {
  it('prints scalars', () => {
    expect(render('{{.A}} {{.B}} {{.C}} {{.D}} {{.E}}', {A: 42, B: -1.5, C: true, D: 'str', E: 12345678901234})).to.equal(
      '42 -1.5 true str 12345678901234',
    );
  });

  it('prints floats with %v rules (shortest digits, exponent below 1e-4 and from 1e21)', () => {
    expect(render('{{.}}', 0.000012)).to.equal('1.2e-05');
    expect(render('{{.}}', 0.0001)).to.equal('0.0001');
    expect(render('{{.}}', 123456789.5)).to.equal('1.234567895e+08');
    expect(render('{{.}}', 99999.5)).to.equal('99999.5');
  });

  it('prints slices, maps and nil like fmt', () => {
    expect(render('{{.}}', ['a', 'b', 'c'])).to.equal('[a b c]');
    expect(render('{{.}}', [[1, 2], []])).to.equal('[[1 2] []]');
    expect(render('{{.Labels}}', container)).to.equal('map[app:shop com.example.tier:front]');
    expect(render('{{.}}', {b: 2, a: [1], c: null})).to.equal('map[a:[1] b:2 c:<nil>]');
    expect(render('{{.X}}', {X: null})).to.equal('<nil>');
    expect(render('{{.X}}', goMap({}))).to.equal('<no value>');
  });
});

describe('go-template: Podman template functions', () => {
  it('json: compact, HTML left alone, struct order kept, map keys sorted', () => {
    const data = {ID: 'x', Cmd: ['a<b', 'c&d'], Labels: goMap({z: '1', a: '2'}), Health: null};
    expect(render('{{json .}}', data)).to.equal('{"ID":"x","Cmd":["a<b","c&d"],"Labels":{"a":"2","z":"1"},"Health":null}');
    // containers/common's own test: {{json .ID}} of a string slice.
    expect(render('{{json .ID}}', {ID: ['ident1', 'ident2', 'ident3']})).to.equal('["ident1","ident2","ident3"]');
    expect(render('{{json .Labels.none}}', container)).to.equal('null');
    expect(render('{{json .}}', 'tab\there "quoted" \u2028')).to.equal('"tab\\there \\"quoted\\" \\u2028"');
    expect(render('{{json .}}', [1.5, 1e21, 1e-7, -0])).to.equal('[1.5,1e+21,1e-7,-0]');
  });

  it('upper, lower and title', () => {
    expect(render('{{upper .}} {{lower .}} {{title .}}', 'hello wORLD-x')).to.equal('HELLO WORLD-X hello world-x Hello WORLD-X');
    // Go maps case per rune: ß has no single-rune upper case.
    expect(render('{{upper .}}', 'straße')).to.equal('STRAßE');
  });

  it('len counts bytes of strings, elements of slices and maps', () => {
    expect(render('{{len .}}', 'héllo')).to.equal('6');
    expect(render('{{len .Names}} {{len .Labels}}', container)).to.equal('2 2');
    expect(failure('{{len .Size}}', container).message).to.contain('error calling len: len of type int');
  });

  it('join, split, truncate and pad', () => {
    expect(render('{{join .ID "-"}}', {ID: ['ident1', 'ident2', 'ident3']})).to.equal('ident1-ident2-ident3');
    expect(render('{{join .Names ", "}}', container)).to.equal('web, frontend');
    expect(render('{{split "a:b:c" ":"}} {{index (split "a:b" ":") 1}}')).to.equal('[a b c] b');
    expect(render('{{truncate .ID 4}}|{{truncate "ab" 5}}', container)).to.equal('3b9e|ab');
    expect(render('[{{pad "x" 1 2}}][{{pad "" 1 2}}]')).to.equal('[ x  ][]');
  });

  it('printf with widths, flags and Go verbs', () => {
    expect(render('{{printf "%-10s|%5d|%v|%q|%05.1f|%x" "ab" 42 1.5 "x" 3.14159 255}}')).to.equal('ab        |   42|1.5|"x"|003.1|ff');
    expect(render('{{printf "%s has %d names" .ID (len .Names)}}', container)).to.equal('3b9e6e1a2f4c has 2 names');
  });

  it('printf marks mismatched verbs and arguments as fmt does', () => {
    expect(render('{{printf "%d" "x"}}')).to.equal('%!d(string=x)');
    expect(render('{{printf "%s %s" "a"}}')).to.equal('a %!s(MISSING)');
    expect(render('{{printf "%s" "a" 1}}')).to.equal('a%!(EXTRA int=1)');
    expect(render('{{printf "%s" .Labels.none}}', container)).to.equal('%!s(<nil>)');
  });

  it('print and println space operands as fmt.Sprint and Sprintln do', () => {
    expect(render('{{print "a" 1 2 "b" 3}}')).to.equal('a1 2b3');
    expect(render('{{println "a" 1}}')).to.equal('a 1\n');
  });

  it('comparisons', () => {
    expect(render('{{eq .Size 42}} {{ne .Size 42}} {{lt 1 2}} {{le 2 2}} {{gt "b" "a"}} {{ge 1 2}}', container)).to.equal(
      'true false true true true false',
    );
    expect(render('{{eq .State "created" "running"}}', {State: 'running'})).to.equal('true');
    expect(failure('{{eq .Size "42"}}', container).message).to.equal(
      'template: ps:1:2: executing "ps" at <eq>: error calling eq: incompatible types for comparison',
    );
    expect(failure('{{lt true false}}').message).to.contain('error calling lt: invalid type for comparison');
  });

  it('and, or, not return operands and short-circuit', () => {
    expect(render('[{{and 1 "" 3}}] [{{and 1 2}}] [{{or 0 "" "x"}}] [{{or 0 ""}}] {{not .Ports}}', container)).to.equal('[] [2] [x] [] true');
    // The failing index is never evaluated.
    expect(render('{{and false (index .Names 10)}}', container)).to.equal('false');
  });
});

describe('go-template: errors', () => {
  const cases: Array<[string, string]> = [
    ['{{foo .ID}}', 'template: ps:1: function "foo" not defined'],
    ['{{.ID', 'template: ps:1: unclosed action'],
    ['{{end}}', 'template: ps:1: unexpected {{end}}'],
    ['{{else}}', 'template: ps:1: unexpected {{else}}'],
    ['{{if .ID}}x', 'template: ps:1: unexpected EOF'],
    ['{{range}}{{end}}', 'template: ps:1: missing value for range'],
    ['a\n{{$x}}', 'template: ps:2: undefined variable "$x"'],
    ['{{printf "%s\n"}}', 'template: ps:1: unterminated quoted string'],
    ['{{/* open', 'template: ps:1: unclosed comment'],
    ['{{.ID | "x"}}', 'template: ps:1: non executable command in pipeline stage 2'],
    ['{{break}}', 'template: ps:1: {{break}} outside {{range}}'],
    ['{{.ID)}}', 'template: ps:1: unexpected right paren'],
    ['{{"x".Y}}', 'template: ps:1: unexpected . after term "\\"x\\""'],
  ];
  for (const [text, message] of cases) {
    it(`rejects ${JSON.stringify(text)} at parse time`, () => {
      expect(() => parseTemplate(text, 'ps')).to.throw(InvalidInputError, message);
      try {
        parseTemplate(text, 'ps');
      } catch (e) {
        expect((e as Error).message).to.equal(message);
      }
    });
  }

  it('reports argument problems at execution', () => {
    expect(failure('{{upper .Size}}', container).message).to.equal(
      'template: ps:1:8: executing "ps" at <.Size>: wrong type for value; expected string; got int',
    );
    expect(failure('{{upper}}').message).to.equal('template: ps:1:2: executing "ps" at <upper>: wrong number of args for upper: want 1 got 0');
    expect(failure('{{truncate .ID "3"}}', container).message).to.contain('expected integer; found "3"');
    expect(failure('{{upper .Labels.none}}', container).message).to.contain('invalid value; expected string');
    expect(failure('{{range .ID}}{{end}}', container).message).to.contain("range can't iterate over 3b9e6e1a2f4c");
    expect(failure('{{nil}}').message).to.contain('nil is not a command');
    expect(failure('{{.ID 1}}', container).message).to.contain('ID has arguments but cannot be invoked as function');
    expect(failure('{{template "nope"}}').message).to.contain('template "nope" not defined');
  });

  it('truncates long node text in the error context to 20 characters', () => {
    expect(failure('{{.Labels.app.x.y.zzzzzzzzzzzz.Nope}}', {Labels: goMap({app: {}})}).message).to.match(
      /at <\.Labels\.app\.x\.y\.zzzz\.\.\.>/,
    );
  });
});

describe('go-template: literals and Go formatting helpers', () => {
  it('unquotes Go string, raw string and character literals', () => {
    expect(render('{{"a\\tb\\u00e9\\x41"}}|{{`raw\\n`}}|{{\'x\'}}|{{0x1F}}|{{0o17}}|{{1_000}}')).to.equal('a\tbéA|raw\\n|120|31|15|1000');
  });

  it('formats floats as strconv does, rounding exact ties to even', () => {
    expect(formatFloat(2.5, 'f', 0)).to.equal('2');
    expect(formatFloat(3.5, 'f', 0)).to.equal('4');
    expect(formatFloat(0.125, 'f', 2)).to.equal('0.12');
    expect(formatFloat(1e21, 'g', -1)).to.equal('1e+21');
    expect(formatFloat(1234567, 'g', -1)).to.equal('1.234567e+06');
    expect(formatFloat(100, 'e', 3)).to.equal('1.000e+02');
    expect(goSprintf('%6.2f|%g|%G|%.3g|%e', [Math.PI, 1e-7, 2.5e-10, 1.0, 0])).to.equal('  3.14|1e-07|2.5E-10|1|0.000000e+00');
  });

  it('encodes JSON with MarshalIndent layout and optional HTML escaping', () => {
    expect(goJson({a: [1, 2], b: {}, c: []}, {indent: '  '})).to.equal('{\n  "a": [\n    1,\n    2\n  ],\n  "b": {},\n  "c": []\n}');
    expect(goJson('<&>')).to.equal('"\\u003c\\u0026\\u003e"');
    expect(goJson('<&>', {escapeHTML: false})).to.equal('"<&>"');
    expect(goJson(new Map<unknown, unknown>([[10, 'x'], [2, 'y']]))).to.equal('{"10":"x","2":"y"}');
  });
});

describe('go-template: properties', () => {
  it('any template without actions renders to itself', () => {
    const noActions = fc.string({unit: 'binary', maxLength: 200}).filter((s) => !s.includes('{{'));
    fc.assert(
      fc.property(noActions, fc.anything(), (text, data) => {
        expect(compileTemplate(text)(data)).to.equal(text);
      }),
    );
  });

  it('{{.}} and {{printf "%s" .}} print any string unchanged', () => {
    fc.assert(
      fc.property(fc.string({unit: 'binary'}), (s) => {
        expect(render('{{.}}', s)).to.equal(s);
        expect(render('{{printf "%s" .}}', s)).to.equal(s);
      }),
    );
  });

  it('json agrees with JSON.parse on plain data', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // Go keeps the sign of -0, which JSON.stringify drops; compare values, not spellings.
        const parse = (s: string): unknown => JSON.parse(s, (_k, x) => (Object.is(x, -0) ? 0 : x));
        expect(parse(render('{{json .}}', v))).to.deep.equal(parse(JSON.stringify(v)));
      }),
    );
  });
});
