import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import {
  editArgocdSource,
  editHelmValues,
  editKustomization,
  editManifests,
  type ImageChange,
  sameImage,
} from "../src/index.js";

interface Style {
  readonly indent: number;
  readonly indentedSequences: boolean;
  readonly eol: "\n" | "\r\n";
  readonly comments: boolean;
}

const styleArb: fc.Arbitrary<Style> = fc.record({
  indent: fc.constantFrom(2, 4),
  indentedSequences: fc.boolean(),
  eol: fc.constantFrom("\n" as const, "\r\n" as const),
  comments: fc.boolean(),
});
const names = [
  "myorg/myapp",
  "docker.io/myorg/myapp",
  "index.docker.io/myorg/myapp",
  "nginx",
  "docker.io/library/nginx",
  "ghcr.io/org/worker",
];
const tagArb = fc.oneof(
  fc.stringMatching(/^[a-z0-9][a-z0-9._-]{0,12}$/),
  fc.constantFrom("1.20", "1.2.3", "latest", "v1.0", "1e3", "007", "yes", "2024.01"),
);
const quoteArb = fc.constantFrom("plain", "single", "double");
const changeArb: fc.Arbitrary<ImageChange> = fc.record({ image: fc.constantFrom(...names), newTag: tagArb });

function quote(value: string, style: string): string {
  if (style === "single") return `'${value}'`;
  if (style === "double") return `"${value}"`;
  return /^[a-z][a-z0-9./:_-]*$/.test(value) ? value : `"${value}"`;
}

function toJs(text: string): unknown[] {
  return parseAllDocuments(text).map((doc) => doc.toJS());
}

interface Container {
  readonly name: string;
  readonly image: string;
  readonly tag: string;
  readonly quote: string;
}
interface Workload {
  readonly kind: "Deployment" | "StatefulSet" | "CronJob" | "Pod";
  readonly containers: readonly Container[];
}

const containerArb: fc.Arbitrary<Container> = fc.record({
  name: fc.stringMatching(/^[a-z]{1,8}$/),
  image: fc.constantFrom(...names),
  tag: tagArb,
  quote: quoteArb,
});
const workloadArb: fc.Arbitrary<Workload> = fc.record({
  kind: fc.constantFrom("Deployment" as const, "StatefulSet" as const, "CronJob" as const, "Pod" as const),
  containers: fc.array(containerArb, { minLength: 1, maxLength: 3 }),
});

const SPEC_PATH: Record<Workload["kind"], string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

function renderWorkload(workload: Workload, index: number, style: Style): string[] {
  const pad = (level: number): string => " ".repeat(level * style.indent);
  const lines = [
    `apiVersion: v1`,
    `kind: ${workload.kind}`,
    "metadata:",
    `${pad(1)}name: w${index}${style.comments ? " # name" : ""}`,
  ];
  const path = SPEC_PATH[workload.kind];
  for (const [level, key] of path.entries()) lines.push(`${pad(level)}${key}:`);
  const level = path.length;
  lines.push(`${pad(level)}containers:${style.comments ? "   # the containers" : ""}`);
  const itemPad = pad(level) + (style.indentedSequences ? " ".repeat(style.indent) : "");
  for (const container of workload.containers) {
    lines.push(`${itemPad}- name: ${container.name}`);
    lines.push(
      `${itemPad}  image: ${quote(`${container.image}:${container.tag}`, container.quote)}${style.comments ? " # img" : ""}`,
    );
    lines.push(`${itemPad}  imagePullPolicy: IfNotPresent`);
  }
  return lines;
}

function renderManifests(workloads: readonly Workload[], style: Style): string {
  const docs = workloads.map((w, i) => renderWorkload(w, i, style).join(style.eol));
  return (style.comments ? `# generated${style.eol}` : "") + docs.join(`${style.eol}---${style.eol}`) + style.eol;
}

function expectedManifests(before: string, change: ImageChange): unknown[] {
  const docs = toJs(before) as Record<string, unknown>[];
  for (const doc of docs) {
    let spec: unknown = doc;
    for (const key of SPEC_PATH[doc.kind as Workload["kind"]]) spec = (spec as Record<string, unknown>)[key];
    for (const container of (spec as { containers: { image: string }[] }).containers) {
      const [name] = splitNameTag(container.image);
      if (sameImage(name, change.image)) container.image = `${name}:${change.newTag}`;
    }
  }
  return docs;
}

function splitNameTag(image: string): [string, string] {
  const colon = image.lastIndexOf(":");
  return [image.slice(0, colon), image.slice(colon + 1)];
}

describe("editor properties", () => {
  it("manifests: re-editing is a no-op and only matching image fields change", () => {
    fc.assert(
      fc.property(
        fc.array(workloadArb, { minLength: 1, maxLength: 3 }),
        styleArb,
        changeArb,
        (workloads, style, change) => {
          const before = renderManifests(workloads, style);

          const first = editManifests(before, [change]);
          const second = editManifests(first.text, [change]);

          expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          expect(second).toMatchObject({ text: first.text, changed: false });
          expect(toJs(first.text)).toEqual(expectedManifests(before, change));
          if (!first.changed) expect(first.text).toBe(before);
          // Only image lines differ: line count, line endings and every other line stay byte-identical.
          const beforeLines = before.split("\n");
          const afterLines = first.text.split("\n");
          expect(afterLines.length).toBe(beforeLines.length);
          afterLines.forEach((line, i) => {
            if (line !== beforeLines[i]) expect(line.trimStart().startsWith("image:")).toBe(true);
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("kustomization: re-editing is a no-op and only the image's entry changes", () => {
    const entryArb = fc.record({ name: fc.constantFrom(...names), tag: tagArb, quote: quoteArb });
    fc.assert(
      fc.property(
        fc.uniqueArray(entryArb, { selector: (e) => e.name, maxLength: 4 }),
        styleArb,
        changeArb,
        (entries, style, change) => {
          const distinct = entries.filter((e, i) => entries.findIndex((o) => sameImage(o.name, e.name)) === i);
          const itemPad = style.indentedSequences ? " ".repeat(style.indent) : "";
          const lines = [
            "apiVersion: kustomize.config.k8s.io/v1beta1",
            "kind: Kustomization",
            "resources:",
            `${itemPad}- deployment.yaml`,
          ];
          if (distinct.length > 0) lines.push(`images:${style.comments ? " # pinned" : ""}`);
          for (const entry of distinct) {
            lines.push(`${itemPad}- name: ${entry.name}`, `${itemPad}  newTag: ${quote(entry.tag, entry.quote)}`);
          }
          const before = lines.join(style.eol) + style.eol;

          const first = editKustomization(before, [change]);
          const second = editKustomization(first.text, [change]);

          expect(second).toMatchObject({ text: first.text, changed: false });
          const expected = toJs(before)[0] as { images?: { name: string; newTag: unknown }[] };
          const images = expected.images ?? [];
          const hit = images.find((image) => sameImage(image.name, change.image));
          if (hit) hit.newTag = change.newTag;
          else images.push({ name: change.image, newTag: change.newTag });
          expected.images = images;
          expect(toJs(first.text)).toEqual([expected]);
          expect(first.text.includes("\r\n")).toBe(style.eol === "\r\n");
        },
      ),
      { numRuns: 150 },
    );
  });

  it("helm values: re-editing is a no-op and only the tag key changes", () => {
    const pathArb = fc.array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(pathArb, fc.boolean(), styleArb, tagArb, tagArb, (path, exists, style, oldTag, newTag) => {
        const pad = (level: number): string => " ".repeat(level * style.indent);
        const lines = ["replicaCount: 2", "service:", `${pad(1)}port: 80`];
        for (const [level, key] of path.entries())
          lines.push(`${pad(level)}${key}:${style.comments ? " # section" : ""}`);
        lines.push(`${pad(path.length)}${exists ? "tag" : "other"}: ${quote(oldTag, "double")}`);
        const before = lines.join(style.eol) + style.eol;
        const tagPath = [...path, "tag"].join(".");
        const change: ImageChange = { image: "nginx", newTag, helm: { name: "image.name", tag: tagPath } };
        // Keys repeated at the top level merge into one map in YAML; keep the generated file valid.
        fc.pre(!["replicaCount", "service", "image"].includes(path[0] as string));

        const first = editHelmValues(before, [change]);
        const second = editHelmValues(first.text, [change]);

        expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
        expect(second).toMatchObject({ text: first.text, changed: false });
        const expected = toJs(before)[0] as Record<string, unknown>;
        let node = expected;
        for (const key of path) node = node[key] as Record<string, unknown>;
        node.tag = newTag;
        expected.image = { name: "nginx" };
        expect(toJs(first.text)).toEqual([expected]);
      }),
      { numRuns: 150 },
    );
  });

  it("argocd-source: re-editing is a no-op and only the image parameters change", () => {
    const paramArb = fc.record({
      name: fc.constantFrom("image.name", "image.tag", "replicaCount", "other.value"),
      value: tagArb,
      quote: quoteArb,
    });
    fc.assert(
      fc.property(
        fc.uniqueArray(paramArb, { selector: (p) => p.name, maxLength: 4 }),
        styleArb,
        changeArb,
        (params, style, change) => {
          const itemPad = style.indentedSequences ? "    " : "  ";
          const lines = [style.comments ? "# overrides" : "---", "helm:", "  parameters:"];
          for (const param of params)
            lines.push(`${itemPad}- name: ${param.name}`, `${itemPad}  value: ${quote(param.value, param.quote)}`);
          if (params.length === 0) lines.push("  - {name: placeholder, value: x}");
          const before = lines.join(style.eol) + style.eol;

          const first = editArgocdSource(before, [change], { kind: "helm" });
          const second = editArgocdSource(first.text, [change], { kind: "helm" });

          expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
          expect(second).toMatchObject({ text: first.text, changed: false });
          const strip = (text: string): unknown => {
            const doc = toJs(text)[0] as { helm: { parameters: { name: string; value: unknown }[] } };
            const values = Object.fromEntries(doc.helm.parameters.map((p) => [p.name, p.value]));
            doc.helm.parameters = doc.helm.parameters.filter((p) => p.name !== "image.name" && p.name !== "image.tag");
            return { doc, tag: values["image.tag"], name: values["image.name"] };
          };
          const after = strip(first.text) as { doc: unknown; tag: unknown; name: unknown };
          expect(after.doc).toEqual((strip(before) as { doc: unknown }).doc);
          expect(after.tag).toBe(change.newTag);
          expect(sameImage(String(after.name), change.image)).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});
