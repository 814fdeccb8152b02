import { describe, expect, it } from "vitest";
import { isImageUpdaterError, TemplateError } from "../src/index.js";
import { parseTemplate, renderTemplate } from "../src/template/render.js";

const data = {
  Name: "myapp",
  Empty: "",
  Zero: 0,
  Count: 3,
  Pi: 1.5,
  Yes: true,
  No: false,
  List: ["a", "b", "c"],
  Nums: [1, 2, 3],
  Map: { b: 2, a: 1 },
  Nested: { Inner: { Value: "deep" }, List: [{ X: "x0" }, { X: "x1" }] },
  Nothing: null,
};

describe("renderTemplate: Go text/template semantics", () => {
  it.each([
    ["plain text", "hello", "hello"],
    ["field", "{{ .Name }}", "myapp"],
    ["field without spaces", "{{.Name}}", "myapp"],
    ["nested field", "{{ .Nested.Inner.Value }}", "deep"],
    ["missing field renders empty", "[{{ .Missing }}]", "[]"],
    ["field of a missing field renders empty", "[{{ .Missing.Deeper }}]", "[]"],
    ["nil renders empty", "[{{ .Nothing }}]", "[]"],
    ["dot", "{{ with .Nested.Inner }}{{ . }}{{ end }}", "map[Value:deep]"],
    ["list prints like Go", "{{ .List }}", "[a b c]"],
    ["map prints sorted like Go", "{{ .Map }}", "map[a:1 b:2]"],
    ["numbers and booleans", "{{ .Count }} {{ .Pi }} {{ .Yes }} {{ 1e21 }} {{ 0.00001 }}", "3 1.5 true 1e+21 1e-05"],
    ["string literals", `{{ "a\\tb" }}|{{ \`raw\\n\` }}|{{ 'x' }}`, "a\tb|raw\\n|120"],
    ["if true", "{{ if .Yes }}y{{ end }}", "y"],
    ["if false with else", "{{ if .No }}y{{ else }}n{{ end }}", "n"],
    ["else if chain", "{{ if .No }}1{{ else if .Zero }}2{{ else if .Count }}3{{ else }}4{{ end }}", "3"],
    ["empty string is false", "{{ if .Empty }}y{{ else }}n{{ end }}", "n"],
    ["empty list is false", "{{ if .Nested.Missing }}y{{ else }}n{{ end }}", "n"],
    ["with sets dot", "{{ with .Nested.Inner }}{{ .Value }}{{ end }}", "deep"],
    ["with else", "{{ with .Missing }}y{{ else }}none{{ end }}", "none"],
    ["else with chain", "{{ with .Missing }}1{{ else with .Name }}{{ . }}{{ end }}", "myapp"],
    ["range over list", "{{ range .List }}<{{ . }}>{{ end }}", "<a><b><c>"],
    ["range with index and element", "{{ range $i, $c := .List }}{{ $i }}={{ $c }};{{ end }}", "0=a;1=b;2=c;"],
    ["range with one variable", "{{ range $c := .List }}{{ $c }}{{ end }}", "abc"],
    ["range over map sorts keys", "{{ range $k, $v := .Map }}{{ $k }}{{ $v }}{{ end }}", "a1b2"],
    ["range else", "{{ range .Missing }}x{{ else }}empty{{ end }}", "empty"],
    ["range over struct list", "{{ range .Nested.List }}{{ .X }}{{ end }}", "x0x1"],
    ["range over an integer", "{{ range 3 }}{{ . }}{{ end }}", "012"],
    [
      "break and continue",
      "{{ range .Nums }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 3 }}{{ break }}{{ end }}{{ . }}{{ end }}",
      "1",
    ],
    ["$ is the root inside range", "{{ range .List }}{{ $.Name }}{{ end }}", "myappmyappmyapp"],
    ["variable declare and assign", "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}", "2"],
    ["variable scoped to if", "{{ $x := 1 }}{{ if true }}{{ $x := 5 }}{{ $x }}{{ end }}{{ $x }}", "51"],
    ["variable field", "{{ $n := .Nested }}{{ $n.Inner.Value }}", "deep"],
    ["trim markers", "a  {{- .Name -}}  \n b", "amyappb"],
    ["trim marker keeps text without spaces", "a{{- 3 -}}b", "a3b"],
    ["comment", "a{{/* ignored */}}b", "ab"],
    ["trimmed comment", "a \n{{- /* multi\nline */ -}}\n b", "ab"],
    ["pipeline", '{{ .Name | printf "%s!" }}', "myapp!"],
    ["parenthesised pipeline with field", "{{ (.Nested).Inner.Value }}", "deep"],
    ["nested call", '{{ printf "%s-%d" (upper .Name) (len .List) }}', "MYAPP-3"],
    [
      "printf verbs",
      '{{ printf "%s %d %v %q %x %t %5.2f|%-4s|%04d %%" "s" 42 .List "q\\"" 255 true 3.14159 "ab" 7 }}',
      's 42 [a b c] "q\\"" ff true  3.14|ab  |0007 %',
    ],
    ["printf wrong type", '{{ printf "%d" "x" }}', "%!d(string=x)"],
    [
      "printf missing and extra",
      '{{ printf "%s %s" "a" }}|{{ printf "%s" "a" "b" }}',
      "a %!s(MISSING)|a%!(EXTRA string=b)",
    ],
    ["print spacing", '{{ print 1 2 "a" 3 }}', "1 2a3"],
    ["println", '{{ println "a" 1 }}', "a 1\n"],
    ["join", '{{ join ", " .List }}', "a, b, c"],
    ["join as a pipeline stage", '{{ .List | join "-" }}', "a-b-c"],
    ["lower and upper", '{{ "HeLLo" | lower }} {{ upper "x" }}', "hello X"],
    ["trunc", '{{ trunc 3 "abcdef" }} {{ trunc -2 "abcdef" }} {{ trunc 10 "ab" }}', "abc ef ab"],
    ["len counts bytes like Go", '{{ len "héllo" }} {{ len .List }} {{ len .Map }}', "6 3 2"],
    ["index", '{{ index .List 1 }} {{ index .Map "a" }} {{ index .Nested.List 1 "X" }}', "b 1 x1"],
    ["slice", "{{ slice .List 1 }} {{ slice .Name 0 2 }}", "[b c] my"],
    [
      "comparisons",
      '{{ eq .Count 3 }} {{ ne .Name "x" }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt .Count 5 }} {{ ge 3 3 }}',
      "true true true true false true",
    ],
    ["eq with several values", '{{ eq .Name "a" "myapp" }}', "true"],
    [
      "and or not return Go values",
      '{{ and 1 0 2 }} {{ or 0 "" "x" }} {{ not .Yes }} {{ and .Yes .Name }}',
      "0 x false myapp",
    ],
    ["or short-circuits", "{{ or .Yes (index .List 99) }}", "true"],
    [
      "Sprig helpers",
      '{{ trim "  a " }}|{{ replace "-" "_" "a-b" }}|{{ default "d" .Empty }}|{{ quote "x" }}|{{ contains "pp" .Name }}',
      'a|a_b|d|"x"|true',
    ],
  ])("%s", (_name, template, expected) => {
    expect(renderTemplate(template, data)).toBe(expected);
  });
});

describe("parseTemplate: malformed templates", () => {
  it.each([
    ["unclosed action", "a {{ .Name", 1, 3],
    ["if without end", "x\n  {{ if .Yes }}y", 2, 3],
    ["unexpected end", "{{ .Name }}{{ end }}", 1, 12],
    ["unknown function", "line1\n{{ .Name | nope }}", 2, 12],
    ["unclosed comment", "{{/* open", 1, 1],
    ["unterminated string", '{{ "abc }}', 1, 4],
    ["else outside if", "{{ else }}", 1, 1],
    ["break outside range", "{{ if true }}{{ break }}{{ end }}", 1, 14],
    ["define is not supported", '{{ define "x" }}{{ end }}', 1, 1],
    ["bad character", "{{ .Name # }}", 1, 10],
    ["argument to a field", "{{ .Name 1 }}", 1, 4],
    ["undefined variable", "{{ $nope }}", 1, 4],
  ])("%s → TEMPLATE_INVALID at line:column", (_name, template, line, column) => {
    let error: unknown;
    try {
      parseTemplate(template, { name: "t" }).render(data);
    } catch (caught) {
      error = caught;
    }

    expect(isImageUpdaterError(error, "TEMPLATE_INVALID")).toBe(true);
    expect(error).toBeInstanceOf(TemplateError);
    expect(error).toMatchObject({ line, column });
    expect((error as Error).message).toContain(`template: t:${line}:${column}:`);
  });

  it("reports execution errors with their position", () => {
    const template = parseTemplate("ok\n{{ index .List 7 }}");

    expect(() => template.render(data)).toThrow(/template:2:4: error calling index: index out of range: 7/);
  });

  it("parses once and renders many times", () => {
    const template = parseTemplate("{{ .Name }}");

    expect([template.render({ Name: "a" }), template.render({ Name: "b" })]).toEqual(["a", "b"]);
  });

  it("does not reach into prototypes", () => {
    expect(renderTemplate("[{{ .constructor }}][{{ .toString }}]", {})).toBe("[][]");
  });
});

describe("renderTemplate: Go's escaping builtins", () => {
  it.each([
    ["html", `{{ html "<a href='x'>&</a>" }}`, "&lt;a href=&#39;x&#39;&gt;&amp;&lt;/a&gt;"],
    ["js", `{{ js "it's <b>=\\\\" }}`, "it\\'s \\u003Cb\\u003E\\u003D\\\\"],
    ["urlquery", `{{ urlquery "a b&c/d(e)~" }}`, "a+b%26c%2Fd%28e%29~"],
  ])("%s", (_name, template, expected) => {
    expect(renderTemplate(template, {})).toBe(expected);
  });
});
