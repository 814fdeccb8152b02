import { describe, expect, it } from "vitest";
import {
  editKustomization,
  type ImageChange,
  type KustomizeImageOverride,
  parseKustomizeImageOverride,
  setKustomizeImages,
} from "../src/index.js";
import { fixture } from "./editors-fixtures.js";

const app: ImageChange = { alias: "app", image: "docker.io/myorg/myapp", newTag: "1.2.3" };
const digestA = `sha256:${"a".repeat(64)}`;
const digestB = `sha256:${"b".repeat(64)}`;

describe("setKustomizeImages: the reference's worked examples", () => {
  it.each([
    ["ref-digest", ["foo@sha23456"]],
    ["ref-digest-sorted", ["foo@sha23456"]],
    ["ref-filter-one", ["foo"]],
    ["ref-filter-tag", ["foo:bar"]],
    ["ref-filter-rename", ["baz=foo:bar"]],
    ["ref-filter-rename-digest", ["baz=foo@sha12345"]],
    ["ref-filter-many", ["foo", "foo=bar", "baz@sha12345", "bar:123", "foo=bar:123"]],
    // `kustomize edit set image foo:123` replaces the entry: its `newName: bar` goes.
    ["replace-entry", ["foo:123"]],
  ])("%s", (name, overrides) => {
    const { before, after } = fixture("kustomization", name);

    const result = setKustomizeImages(before, overrides);

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
  });

  it.each<[string, KustomizeImageOverride]>([
    ["foo", { name: "foo" }],
    ["foo:bar", { name: "foo", newTag: "bar" }],
    ["baz=foo:bar", { name: "baz", newName: "foo", newTag: "bar" }],
    ["baz=foo@sha12345", { name: "baz", newName: "foo", digest: "sha12345" }],
    [
      "quay.io/argoproj/argocd=ghcr.io/argoproj/argocd:v2.1.0",
      { name: "quay.io/argoproj/argocd", newName: "ghcr.io/argoproj/argocd", newTag: "v2.1.0" },
    ],
    ["localhost:5000/app:1.0@sha256:abc", { name: "localhost:5000/app", newTag: "1.0", digest: "sha256:abc" }],
  ])("parses %s", (text, expected) => {
    expect(parseKustomizeImageOverride(text)).toEqual(expected);
  });
});

describe("editKustomization: golden files", () => {
  it.each<[string, ImageChange[]]>([
    ["tag-comments", [app]],
    ["quoted", [{ image: "nginx", newTag: "1.26" }]],
    ["append-indented", [{ image: "ghcr.io/org/worker", newTag: "2.0.0" }]],
    ["append-compact", [{ image: "redis", newTag: "7.2.4" }]],
    ["crlf", [{ image: "redis", newTag: "7.2.4" }]],
    ["crlf-tag", [{ image: "docker.io/library/nginx", newTag: "1.25.1" }]],
    [
      "flow",
      [
        { image: "nginx", newTag: "1.26" },
        { image: "redis", newTag: "7.2.4" },
      ],
    ],
    ["by-newname", [app]],
    ["kustomize-name", [{ ...app, kustomizeImageName: "placeholder" }]],
    ["digest-pinned", [{ image: "myorg/myapp", newTag: "1.2.3", newDigest: digestB }]],
    ["digest-dropped", [{ image: "myorg/myapp", newTag: "1.2.3" }]],
    ["no-images", [app]],
    ["empty-images", [app]],
    ["no-final-newline", [{ image: "redis", newTag: "7.2.4" }]],
    ["anchor", [app]],
    ["replace-entry", [{ image: "foo", newTag: "123" }]],
  ])("%s", (name, changes) => {
    const { before, after } = fixture("kustomization", name);

    const result = editKustomization(before, changes);

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it.each<[string, ImageChange[]]>([
    [
      "noop",
      [
        { ...app, newTag: "1.2.2" },
        { image: "nginx", newTag: "1.25" },
      ],
    ],
    ["digest-pinned", [{ image: "myorg/myapp", newTag: "1.2.2", newDigest: digestA }]],
  ])("%s is a byte-identical no-op", (name, changes) => {
    const { before } = fixture("kustomization", name);

    const result = editKustomization(before, changes);

    expect(result).toEqual({ text: before, changed: false, diagnostics: [], changedImages: [] });
  });

  it("reports the changed images and warns about a dropped digest", () => {
    const { before } = fixture("kustomization", "digest-dropped");

    const result = editKustomization(before, [{ alias: "app", image: "myorg/myapp", newTag: "1.2.3" }]);

    expect(result.changedImages).toEqual(["app"]);
    expect(result.diagnostics.map((d) => d.severity)).toContain("warning");
  });

  it.each([
    ["foo@sha99", "images:\n- name: foo\n  newTag: 1.0\n", "images:\n- name: foo\n  digest: sha99\n"],
    ["foo", "images:\n- name: foo\n  newName: bar\n  newTag: 1.0\n", "images:\n- name: foo\n"],
    ["foo=baz", "images:\n- name: foo\n  newName: bar\n  digest: sha1\n", "images:\n- name: foo\n  newName: baz\n"],
  ])("set image %s replaces the entry as kustomize does", (override, before, after) => {
    expect(setKustomizeImages(before, [override]).text).toBe(after);
  });

  it("a renamed entry's newName keeps the form the entry uses", () => {
    const before = "images:\n- name: placeholder\n  newName: docker.io/library/old\n  newTag: 1.0\n";

    const result = editKustomization(before, [{ image: "nginx", newTag: "1.26", kustomizeImageName: "placeholder" }]);

    expect(result.text).toBe('images:\n- name: placeholder\n  newName: docker.io/library/nginx\n  newTag: "1.26"\n');
  });

  it("refuses a file that is not YAML", () => {
    const text = "images: [\n";

    const result = editKustomization(text, [app]);

    expect(result).toMatchObject({ text, changed: false, diagnostics: [{ severity: "error" }] });
  });

  it("refuses a multi-document kustomization", () => {
    const text = "images: []\n---\nimages: []\n";

    const result = editKustomization(text, [app]);

    expect(result).toMatchObject({ text, changed: false, diagnostics: [{ severity: "error" }] });
  });
});
