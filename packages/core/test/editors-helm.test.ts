import { describe, expect, it } from "vitest";
import { editHelmValues, type ImageChange } from "../src/index.js";
import { fixture } from "./editors-fixtures.js";

const nginx: ImageChange = { image: "nginx", newTag: "1.1.0" };
const repoTag = { name: "image.repository", tag: "image.tag" };

/** An image of a chart that splits `registry` from `repository` under `block`. */
function split(alias: string, image: string, newTag: string, block: string): ImageChange {
  return { alias, image, newTag, helm: { name: `${block}.repository`, tag: `${block}.tag` } };
}

describe("editHelmValues: golden files", () => {
  it.each<[string, ImageChange[]]>([
    [
      "ref-preserve",
      [{ image: "docker.io/myorg/app", newTag: "v2.0.0", helm: { name: "images.app.name", tag: "images.app.tag" } }],
    ],
    ["ref-short-form", [{ image: "docker.io/bitnami/nginx", newTag: "v1.0.0" }]],
    ["literal-dotted", [{ image: "nginx", newTag: "1.25.1" }]],
    ["index", [{ image: "logger", newTag: "2.1.0", helm: { name: "sidecars[1].name", tag: "sidecars[1].tag" } }]],
    ["create-maps", [{ image: "docker.io/myorg/myapp", newTag: "1.2.3" }]],
    ["create-key-4-spaces", [{ image: "docker.io/myorg/myapp", newTag: "1.2.3", helm: repoTag }]],
    ["flow", [{ image: "nginx", newTag: "1.26", helm: repoTag }]],
    ["crlf", [{ image: "nginx", newTag: "1.25.1", helm: repoTag }]],
    ["crlf-create", [{ image: "nginx", newTag: "1.25.1", helm: repoTag }]],
    ["single-quoted", [{ image: "nginx", newTag: "1.26", helm: repoTag }]],
    ["number-like-tag", [{ image: "nginx", newTag: "1.21", helm: repoTag }]],
    ["digest", [{ image: "myorg/myapp", newTag: "1.1.0", newDigest: `sha256:${"b".repeat(64)}`, helm: repoTag }]],
    ["spec", [{ alias: "app", image: "myregistry/myapp", newTag: "1.2.3", helm: { spec: "canary.image.tag" } }]],
    ["alias", [{ image: "nginx", newTag: "1.1.0", helm: repoTag }]],
    ["merge-key", [{ image: "nginx", newTag: "1.1.0", helm: { name: "app.repository", tag: "app.tag" } }]],
    ["empty-file", [nginx]],
    ["comment-only-file", [nginx]],
    ["empty-map", [nginx]],
    [
      "chart-split-registry",
      [
        split("alertmanager", "quay.io/prometheus/alertmanager", "v0.28.1", "alertmanager.image"),
        split(
          "reloader",
          "quay.io/prometheus-operator/prometheus-config-reloader",
          "v0.76.0",
          "prometheusOperator.prometheusConfigReloader.image",
        ),
        split("thanos", "quay.io/thanos/thanos", "v0.36.0", "prometheusOperator.thanosImage"),
        split("node-exporter", "prom/node-exporter", "v1.8.2", "nodeExporter.image"),
      ],
    ],
    ["chart-split-move", [split("nginx", "ghcr.io/bitnami/nginx", "1.25.1", "image")]],
  ])("%s", (name, changes) => {
    const { before, after } = fixture("helm", name);

    const result = editHelmValues(before, changes);

    expect(result.text).toBe(after);
    expect(result.changed).toBe(true);
    expect(result.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  });

  it("keeps a byte-identical file when the values are already set", () => {
    const { before } = fixture("helm", "noop");

    expect(editHelmValues(before, [nginx])).toEqual({
      text: before,
      changed: false,
      diagnostics: [],
      changedImages: [],
    });
  });

  it("warns when an anchored value is edited for every alias", () => {
    const { before } = fixture("helm", "alias");

    const result = editHelmValues(before, [{ image: "nginx", newTag: "1.1.0", helm: repoTag }]);

    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: "warning", key: "values.yaml:image.tag" }),
    );
  });

  it.each([
    ["image: [a, b]\n", "image.tag", "no id provided"],
    ["list:\n  - tag: 1\n", "list[3].tag", "out of range"],
    ["image: nginx\n", "image.tag", "unexpected ScalarNode"],
    ["image:\n  tag:\n    nested: x\n", "image.tag", "must hold a value"],
    ["image:\n  tag: 1\n", "image..tag", "empty segment"],
  ])("refuses %j at %s (%s)", (text, tagPath, message) => {
    const result = editHelmValues(text, [{ image: "nginx", newTag: "2", helm: { name: "n", tag: tagPath } }]);

    expect(result.changed).toBe(false);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({ severity: "error", message: expect.stringContaining(message) }),
    );
  });
});

describe("editHelmValues: names keep the file's form", () => {
  it("never writes the registry into a split chart's `repository`", () => {
    const text = "image:\n  registry: quay.io\n  repository: prometheus/alertmanager\n  tag: v0.27.0\n";

    const result = editHelmValues(text, [split("am", "quay.io/prometheus/alertmanager", "v0.28.0", "image")]);

    expect(result.text).toBe("image:\n  registry: quay.io\n  repository: prometheus/alertmanager\n  tag: v0.28.0\n");
  });

  it.each([
    ["nginx", "docker.io/library/nginx", "nginx"],
    ["docker.io/library/nginx", "nginx", "docker.io/library/nginx"],
    ["myorg/old", "docker.io/myorg/app", "myorg/app"],
    ["docker.io/myorg/old", "myorg/app", "docker.io/myorg/app"],
    ["library/redis", "nginx", "library/nginx"],
    ["myorg/old", "ghcr.io/org/app", "ghcr.io/org/app"],
  ])("name key %j, watched %j: writes %j", (written, image, expected) => {
    const text = `image:\n  name: ${written}\n  tag: "1"\n`;

    const result = editHelmValues(text, [{ image, newTag: "2" }]);

    expect(result.text).toBe(`image:\n  name: ${expected}\n  tag: "2"\n`);
  });

  it("a spec key keeps the form too", () => {
    const result = editHelmValues("app: docker.io/library/old:1\n", [
      { image: "redis", newTag: "7", helm: { spec: "app" } },
    ]);

    expect(result.text).toBe("app: docker.io/library/redis:7\n");
  });
});
