import { describe, expect, it } from "vitest";
import { editFluxSetters, editManifests, type ImageChange } from "../src/index.js";
import { fixture } from "./editors-fixtures.js";

const digestB = `sha256:${"b".repeat(64)}`;
const myapp: ImageChange = { alias: "app", image: "docker.io/myorg/myapp", newTag: "1.2.3" };
const podinfo: ImageChange = { image: "ghcr.io/stefanprodan/podinfo", newTag: "5.0.3", newDigest: digestB };

describe("editManifests: golden files", () => {
  it.each<[string, ImageChange[]]>([
    ["seed-deployment", [{ image: "myapp", newTag: "1.2.3" }]],
    ["multi-document", [myapp]],
    ["pod-crlf", [{ image: "ghcr.io/org/app", newTag: "v2" }]],
    ["digest-pinned", [{ image: "registry.example.com:5000/team/db", newTag: "15.2", newDigest: digestB }]],
    ["digest-dropped", [{ image: "registry.example.com:5000/team/db", newTag: "15.2" }]],
    ["pin-digest", [{ image: "docker.io/library/myapp", newTag: "1.2.3", newDigest: digestB, pinDigest: true }]],
    ["list-flow", [{ image: "agent", newTag: "1.0" }]],
    ["anchor", [{ image: "tool", newTag: "1.1" }]],
  ])("%s", (name, changes) => {
    const { before, after } = fixture("manifests", name);

    const result = editManifests(before, changes);

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("is a byte-identical no-op when the tag is already there", () => {
    const { before } = fixture("manifests", "noop");
    const matched = new Set<string>();

    const result = editManifests(before, [{ image: "myapp", newTag: "1.2.3" }], "deployment.yaml", matched);

    expect(result).toEqual({ text: before, changed: false, diagnostics: [], changedImages: [] });
    expect(matched).toEqual(new Set(["myapp"]));
  });

  it("warns when a pinned digest is dropped for lack of a new one", () => {
    const { before } = fixture("manifests", "digest-dropped");

    const result = editManifests(before, [{ image: "registry.example.com:5000/team/db", newTag: "15.2" }]);

    expect(result.diagnostics).toContainEqual(expect.objectContaining({ severity: "warning" }));
  });

  it("does not touch images of other repositories or non-workload documents", () => {
    const { before } = fixture("manifests", "multi-document");

    const result = editManifests(before, [
      { image: "nginx", newTag: "1.25" },
      { image: "myorg/other", newTag: "9" },
    ]);

    expect(result).toMatchObject({ text: before, changed: false });
  });

  it("applies two changes of one image in order (the later wins)", () => {
    const text = "kind: Pod\nspec:\n  containers:\n  - name: a\n    image: nginx:1 # pinned\n";

    const result = editManifests(text, [
      { image: "nginx", newTag: "2" },
      { alias: "again", image: "docker.io/library/nginx", newTag: "3" },
    ]);

    expect(result.text).toBe(text.replace("nginx:1", "nginx:3"));
    expect(result.changedImages).toEqual(["nginx", "again"]);
  });

  it("refuses a template that is not YAML", () => {
    const text = "kind: Deployment\nspec: {{ .Values.x }\n";

    const result = editManifests(text, [myapp]);

    expect(result).toMatchObject({ text, changed: false, diagnostics: [{ severity: "error" }] });
  });
});

describe("editFluxSetters: golden files", () => {
  it.each<[string, Record<string, ImageChange>]>([
    ["full", { "flux-system:podinfo": { ...podinfo, newDigest: undefined } as ImageChange }],
    ["parts", { "flux-system:podinfo": podinfo }],
    ["kustomization-crlf", { "flux-system:podinfo": podinfo }],
  ])("%s", (name, policies) => {
    const { before, after } = fixture("flux", name);

    const result = editFluxSetters(before, policies);

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
  });

  it("is a byte-identical no-op when markers already hold the values", () => {
    const { before } = fixture("flux", "noop");

    const result = editFluxSetters(before, { "flux-system:podinfo": { image: podinfo.image, newTag: "5.0.3" } });

    expect(result).toEqual({ text: before, changed: false, diagnostics: [], changedImages: [] });
  });

  it("leaves markers of policies it was not given", () => {
    const { before } = fixture("flux", "parts");

    expect(editFluxSetters(before, { "flux-system:unknown": podinfo }).changed).toBe(false);
  });
});
