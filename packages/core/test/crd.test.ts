import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  applicationRefSpecificity,
  matchesLabelSelector,
  PULL_REQUEST_BRANCH_TEMPLATE,
  parseLabelSelector,
  resolveImageUpdater,
} from "../src/config/index.js";
import type { Application } from "../src/source/types.js";

const P = "argocd-image-updater.argoproj.io";
const CR = parse(readFileSync(new URL("./fixtures/config/crd/image-updater.yaml", import.meta.url), "utf8")) as Record<
  string,
  unknown
>;

function app(
  name: string,
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
  namespace = "argocd",
): Application {
  return { namespace, name, labels, annotations, spec: {} };
}

function cr(spec: Record<string, unknown>, namespace = "argocd"): Record<string, unknown> {
  return {
    apiVersion: "argocd-image-updater.argoproj.io/v1alpha1",
    kind: "ImageUpdater",
    metadata: { name: "u", namespace },
    spec,
  };
}

const ref = (extra: Record<string, unknown> = {}) => ({
  namePattern: "*",
  images: [{ alias: "a", imageName: "nginx:1.x" }],
  ...extra,
});

describe("resolveImageUpdater on the fixture", () => {
  const apps = [
    app("myapp-staging"),
    app("myapp-production"),
    app("myapp-canary", { tier: "canary", team: "web" }),
    app("myapp-canary-other", { tier: "canary", team: "db" }),
    app("myapp-elsewhere", {}, {}, "other"),
    app("legacy-one", {}, { [`${P}/image-list`]: "x=nginx", [`${P}/x.update-strategy`]: "name" }),
    app("unrelated"),
  ];
  const result = resolveImageUpdater(CR, apps);

  it("has no problems and names the updater", () => {
    expect(result.diagnostics).toEqual([]);
    expect(result.updater).toEqual({ namespace: "argocd", name: "platform" });
  });

  it("matches only applications in the CR's namespace, most specific reference first", () => {
    expect(result.matches.map((m) => [m.application.name, m.applicationRef])).toEqual([
      ["myapp-staging", 0],
      ["myapp-production", 1],
      ["myapp-canary", 2],
      ["myapp-canary-other", 0],
      ["legacy-one", 3],
    ]);
  });

  it("merges global settings into a glob reference", () => {
    const config = result.matches[0]!.config;
    expect(config).toMatchObject({ application: { namespace: "argocd", name: "myapp-staging" }, updatable: true });
    expect(config.images).toEqual([
      expect.objectContaining({
        alias: "app",
        image: expect.objectContaining({ registry: "docker.io", repository: "myorg/myapp" }),
        constraint: "^1.0",
        strategy: "semver",
        allowTags: expect.objectContaining({ kind: "regexp", pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$" }),
        ignoreTags: ["latest"],
        forceUpdate: false,
        pullSecret: { kind: "pullsecret", namespace: "argocd", name: "regcred" },
        platforms: [],
        helm: { imageName: "image.name", imageTag: "image.tag" },
        kustomize: {},
      }),
    ]);
    expect(config.images[0]?.manifestTarget).toBeUndefined();
    expect(config.writeBack).toEqual({
      method: "git",
      git: {
        credentials: { kind: "repocreds" },
        repository: "https://github.com/org/gitops.git",
        baseBranch: "main",
        target: { kind: "helmvalues", path: "values.yaml" },
      },
    });
  });

  it("merges field-wise: image lists replace, pull requests get a generated branch", () => {
    const config = result.matches[1]!.config;
    expect(config.images[0]).toMatchObject({
      constraint: "~1.2",
      ignoreTags: ["rc", "beta"],
      platforms: [
        { os: "linux", architecture: "amd64" },
        { os: "linux", architecture: "arm64" },
      ],
      helm: { imageName: "app.image.repository", imageTag: "app.image.tag" },
      manifestTarget: "helm",
    });
    expect(config.writeBack.git).toEqual({
      credentials: { kind: "repocreds" },
      repository: "https://github.com/org/gitops.git",
      baseBranch: "main",
      writeBranch: PULL_REQUEST_BRANCH_TEMPLATE,
      target: { kind: "helmvalues", path: "values.yaml" },
      pullRequest: { provider: "github", labels: ["image-update", "production"] },
    });
  });

  it("label-selected reference overrides strategy, force-update, method and target", () => {
    const config = result.matches[2]!.config;
    expect(config.writeBack).toEqual({ method: "argocd" });
    expect(config.images[0]).toMatchObject({
      strategy: "newest-build",
      forceUpdate: true,
      kustomize: { imageName: "myorg/myapp" },
      manifestTarget: "kustomize",
      ignoreTags: ["latest"],
    });
  });

  it("useAnnotations reads the application's annotations, with per-application diagnostics", () => {
    const match = result.matches[4]!;
    expect(match.config.images[0]).toMatchObject({ alias: "x", strategy: "alphabetical" });
    expect(match.diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", key: `${P}/x.update-strategy` }),
    ]);
  });

  it("a label expression matches any listed value", () => {
    expect(
      resolveImageUpdater(CR, [app("myapp-canary", { tier: "canary", team: "api" })]).matches[0]?.applicationRef,
    ).toBe(2);
  });
});

describe("applicationRefs", () => {
  it.each([
    ["myapp", undefined, 1_000_005],
    ["myapp-*", undefined, 6],
    ["my?pp-[abc]", undefined, 5],
    ["*", { matchLabels: { a: "1", b: "2" }, matchExpressions: [] }, 10_200],
    ["*", { matchLabels: {}, matchExpressions: [{ key: "k", operator: "Exists", values: [] }] }, 10_100],
  ] as const)("specificity(%j, %j) = %d", (pattern, selector, expected) => {
    expect(applicationRefSpecificity(pattern, selector)).toBe(expected);
  });

  it("ties keep file order", () => {
    const result = resolveImageUpdater(
      cr({
        applicationRefs: [
          ref({ namePattern: "a-*", images: [{ alias: "first", imageName: "nginx" }] }),
          ref({ namePattern: "*-b", images: [{ alias: "second", imageName: "nginx" }] }),
        ],
      }),
      [app("a-b")],
    );
    expect(result.matches[0]?.config.images[0]?.alias).toBe("first");
  });

  it.each([
    ["exact name beats glob", [ref({ namePattern: "web-*" }), ref({ namePattern: "web-1" })], 1],
    [
      "labels beat a longer glob",
      [ref({ namePattern: "web-*" }), ref({ namePattern: "*", labelSelectors: { matchLabels: { x: "y" } } })],
      1,
    ],
    ["globs use filepath semantics", [ref({ namePattern: "web-[0-9]" })], 0],
    ["no brace expansion", [ref({ namePattern: "{web-1,web-2}" })], undefined],
  ])("%s", (_, refs, expected) => {
    const result = resolveImageUpdater(cr({ applicationRefs: refs }), [app("web-1", { x: "y" })]);
    expect(result.matches[0]?.applicationRef).toBe(expected);
  });

  it("a broken reference is left out and the others still match", () => {
    const result = resolveImageUpdater(
      cr({
        applicationRefs: [
          ref({ namePattern: "[web" }),
          ref({ labelSelectors: { matchExpressions: [{ key: "k", operator: "Near" }] } }),
          ref({ namePattern: "web" }),
        ],
      }),
      [app("web")],
    );
    expect(result.matches.map((m) => m.applicationRef)).toEqual([2]);
    expect(result.diagnostics.map((d) => d.key)).toEqual([
      "spec.applicationRefs[0].namePattern",
      "spec.applicationRefs[1].labelSelectors.matchExpressions[0].operator",
    ]);
  });
});

describe("label selectors", () => {
  const labels = { tier: "web", env: "prod" };
  it.each([
    [{}, true],
    [{ matchLabels: { tier: "web" } }, true],
    [{ matchLabels: { tier: "db" } }, false],
    [{ matchExpressions: [{ key: "env", operator: "In", values: ["prod", "staging"] }] }, true],
    [{ matchExpressions: [{ key: "env", operator: "In", values: ["dev"] }] }, false],
    [{ matchExpressions: [{ key: "missing", operator: "In", values: ["x"] }] }, false],
    [{ matchExpressions: [{ key: "env", operator: "NotIn", values: ["dev"] }] }, true],
    [{ matchExpressions: [{ key: "missing", operator: "NotIn", values: ["x"] }] }, true],
    [{ matchExpressions: [{ key: "env", operator: "NotIn", values: ["prod"] }] }, false],
    [{ matchExpressions: [{ key: "tier", operator: "Exists" }] }, true],
    [{ matchExpressions: [{ key: "missing", operator: "Exists" }] }, false],
    [{ matchExpressions: [{ key: "missing", operator: "DoesNotExist" }] }, true],
    [{ matchExpressions: [{ key: "tier", operator: "DoesNotExist" }] }, false],
    [{ matchLabels: { tier: "web" }, matchExpressions: [{ key: "env", operator: "In", values: ["dev"] }] }, false],
  ])("%j → %s", (selector, expected) => {
    const parsed = parseLabelSelector(selector, "s");
    expect(parsed.diagnostics).toEqual([]);
    expect(matchesLabelSelector(parsed.value!, labels)).toBe(expected);
  });

  it.each([
    ["not a map", "s"],
    [{ matchLabels: { a: 1 } }, "s.matchLabels.a"],
    [{ matchLabels: [] }, "s.matchLabels"],
    [{ matchExpressions: {} }, "s.matchExpressions"],
    [{ matchExpressions: [{ operator: "In" }] }, "s.matchExpressions[0]"],
    [{ matchExpressions: [{ key: "a", operator: "In", values: [] }] }, "s.matchExpressions[0].values"],
    [{ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }, "s.matchExpressions[0].values"],
    [{ matchExpressions: [{ key: "a", operator: "In", values: [1] }] }, "s.matchExpressions[0].values"],
    [{ matchLabel: {} }, "s.matchLabel"],
  ])("rejects %j at %s", (selector, key) => {
    const parsed = parseLabelSelector(selector, "s");
    expect(parsed.value).toBeUndefined();
    expect(parsed.diagnostics[0]).toMatchObject({ severity: "error", key });
  });
});

describe("settings and errors", () => {
  const one = (spec: Record<string, unknown>, application = app("web")) => {
    const result = resolveImageUpdater(cr(spec), [application]);
    return { ...result, config: result.matches[0]?.config };
  };

  it.each([
    [
      { method: "git:secret:git-creds" },
      { method: "git", git: { credentials: { kind: "secret", namespace: "argocd", name: "git-creds" } } },
    ],
    [
      { method: "git:secret:ops/git-creds" },
      { git: { credentials: { kind: "secret", namespace: "ops", name: "git-creds" } } },
    ],
    [
      { method: "git", gitConfig: { branch: "main:update-{{.AppName}}" } },
      { git: { baseBranch: "main", writeBranch: "update-{{.AppName}}" } },
    ],
    [{ method: "git:branch", gitConfig: { branch: "main" } }, { git: { branchPrefix: "image-update/" } }],
    [{ method: "git:noop" }, { method: "git:noop", git: { target: { kind: "default" } } }],
    [
      { method: "git:branch", gitConfig: { pullRequest: { github: {} } } },
      { git: { branchPrefix: "image-update/", pullRequest: { provider: "github", labels: [] } } },
    ],
    [
      { method: "git", gitConfig: { pullRequest: { gitlab: {} } } },
      { git: { pullRequest: { provider: "gitlab", labels: [] } } },
    ],
    [
      { method: "git", gitConfig: { writeBackTarget: "kustomization:../base" } },
      { git: { target: { kind: "kustomization", path: "../base" } } },
    ],
    [
      { method: "git", gitConfig: { writeBackTarget: "flux:apps" } },
      { git: { target: { kind: "flux", path: "apps" } } },
    ],
    [{ method: "git", gitConfig: { writeBackTarget: "manifests" } }, { git: { target: { kind: "manifests" } } }],
  ])("writeBackConfig %j", (writeBackConfig, expected) => {
    const { config, diagnostics } = one({ writeBackConfig, applicationRefs: [ref()] });
    expect(diagnostics).toEqual([]);
    expect(config?.writeBack).toMatchObject(expected);
    expect(config?.updatable).toBe(true);
  });

  it.each([
    [{ method: "svn" }, "spec.writeBackConfig.method"],
    [
      { method: "git", gitConfig: { writeBackTarget: "base/kustomization.yaml" } },
      "spec.writeBackConfig.gitConfig.writeBackTarget",
    ],
    [{ method: "git", gitConfig: { writeBackTarget: "fluxcd" } }, "spec.writeBackConfig.gitConfig.writeBackTarget"],
    [
      { method: "git", gitConfig: { pullRequest: { github: {}, gitlab: {} } } },
      "spec.writeBackConfig.gitConfig.pullRequest",
    ],
    [{ method: "git", gitConfig: { pullRequest: {} } }, "spec.writeBackConfig.gitConfig.pullRequest"],
    [
      { method: "git", gitConfig: { pullRequest: { github: {}, labels: [""] } } },
      "spec.writeBackConfig.gitConfig.pullRequest.labels",
    ],
    [
      { method: "git", gitConfig: { branch: "main:x", pullRequest: { github: {} } } },
      "spec.writeBackConfig.gitConfig.branch",
    ],
  ])("broken writeBackConfig %j makes applications not updatable", (writeBackConfig, key) => {
    const { config, diagnostics } = one({ writeBackConfig, applicationRefs: [ref()] });
    expect(config?.updatable).toBe(false);
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.key)).toEqual([key]);
  });

  it("warns about a token in gitConfig.repository", () => {
    const { diagnostics } = one({
      writeBackConfig: { method: "git", gitConfig: { repository: "https://x:tok3n@git.example/r.git" } },
      applicationRefs: [ref()],
    });
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", key: "spec.writeBackConfig.gitConfig.repository" }),
    ]);
    expect(diagnostics[0]?.message).not.toContain("tok3n");
  });

  it("an appRef overrides only the write-back fields it sets", () => {
    const { config } = one({
      writeBackConfig: { method: "git", gitConfig: { repository: "https://g/r.git", branch: "main" } },
      applicationRefs: [ref({ writeBackConfig: { gitConfig: { branch: "release" } } })],
    });
    expect(config?.writeBack.git).toMatchObject({ repository: "https://g/r.git", baseBranch: "release" });
  });

  it.each([
    [{ updateStrategy: "name" }, { strategy: "alphabetical" }, ["warning"]],
    [{ updateStrategy: "digest" }, { strategy: "digest", allowTags: { kind: "any" } }, []],
    [{ allowTags: "regexp:(?=x)" }, { allowTags: { kind: "none" } }, ["error"]],
    [{ ignoreTags: "a, b" }, { ignoreTags: [] }, ["error"]],
    [{ forceUpdate: "true" }, { forceUpdate: false }, ["error"]],
    [{ platforms: ["linux"] }, { allowTags: { kind: "none" } }, ["error"]],
    [{ pullSecret: "pullsecret:other/x" }, { allowTags: { kind: "none" } }, ["error"]],
    [{ pullSecret: "env:CREDS" }, { pullSecret: { kind: "env", variable: "CREDS" } }, []],
    [{ colour: "blue" }, {}, ["warning"]],
  ])("commonUpdateSettings %j", (settings, expected, severities) => {
    const { config, diagnostics } = one({ commonUpdateSettings: settings, applicationRefs: [ref()] });
    expect(config?.images[0]).toMatchObject(expected);
    expect(diagnostics.map((d) => d.severity)).toEqual(severities);
  });

  it("suggests a YAML list for a comma string", () => {
    const { diagnostics } = one({ commonUpdateSettings: { ignoreTags: "a, b" }, applicationRefs: [ref()] });
    expect(diagnostics[0]?.message).toContain('["a", "b"]');
  });

  it("digest without a tracked tag fails closed", () => {
    const { config, diagnostics } = one({
      applicationRefs: [
        ref({ images: [{ alias: "a", imageName: "nginx", commonUpdateSettings: { updateStrategy: "digest" } }] }),
      ],
    });
    expect(config?.images[0]?.allowTags.kind).toBe("none");
    expect(diagnostics[0]).toMatchObject({ key: "spec.applicationRefs[0].images[0].imageName", image: "a" });
  });

  it("imagesVerification fails closed unless disabled", () => {
    const enabled = one({
      imagesVerification: { cosignKey: { secretName: "k", key: "pub" } },
      applicationRefs: [ref()],
    });
    expect(enabled.config?.images[0]?.allowTags.kind).toBe("none");
    expect(enabled.diagnostics[0]?.severity).toBe("error");
    const disabled = one({
      imagesVerification: { enabled: true },
      applicationRefs: [ref({ images: [{ alias: "a", imageName: "nginx", imagesVerification: { enabled: false } }] })],
    });
    expect(disabled.config?.images[0]?.allowTags.kind).toBe("any");
    expect(disabled.diagnostics).toEqual([]);
  });

  it.each([
    [
      { plugin: { name: "IMAGE", tag: "TAG" } },
      { plugin: { imageName: "IMAGE", imageTag: "TAG" }, manifestTarget: "plugin" },
    ],
    [
      { helm: { spec: "image.full" } },
      { helm: { imageName: "image.name", imageTag: "image.tag", imageSpec: "image.full" } },
    ],
    [{ helm: {} }, { helm: { imageName: "image.name", imageTag: "image.tag" }, manifestTarget: "helm" }],
  ])("manifestTargets %j", (manifestTargets, expected) => {
    const { config, diagnostics } = one({
      applicationRefs: [ref({ images: [{ alias: "a", imageName: "nginx", manifestTargets }] })],
    });
    expect(diagnostics).toEqual([]);
    expect(config?.images[0]).toMatchObject(expected);
  });

  it("one bad image never hides the good ones", () => {
    const { config, diagnostics } = one({
      applicationRefs: [
        ref({
          images: [
            { alias: "ok", imageName: "nginx" },
            { alias: "two", imageName: "nginx", manifestTargets: { helm: {}, kustomize: { name: "x" } } },
            { alias: "three", imageName: "Not Valid" },
            { alias: "-bad", imageName: "nginx" },
            { alias: "four", imageName: "a=nginx" },
            { alias: "five", imageName: "nginx", manifestTargets: { kustomize: {} } },
            { alias: "six", imageName: "nginx", manifestTargets: { plugin: {} } },
            { alias: "ok", imageName: "redis" },
            { alias: "seven" },
            "nope",
            { alias: "last", imageName: "ghcr.io/x/y:^2" },
          ],
        }),
      ],
    });
    expect(config?.images.map((i) => i.alias)).toEqual(["ok", "last"]);
    expect(config?.updatable).toBe(true);
    expect(diagnostics.filter((d) => d.severity === "error")).toHaveLength(9);
  });

  it.each([
    [null, "ImageUpdater"],
    [{ kind: "Application", metadata: { namespace: "a" }, spec: {} }, "kind"],
    [{ metadata: { name: "x" }, spec: { applicationRefs: [ref()] } }, "metadata.namespace"],
    [{ metadata: { namespace: "argocd" } }, "spec"],
    [{ metadata: { namespace: "argocd" }, spec: { applicationRefs: [] } }, "spec.applicationRefs"],
    [
      { metadata: { namespace: "argocd" }, spec: { applicationRefs: [{ namePattern: "*" }] } },
      "spec.applicationRefs[0].images",
    ],
    [
      { metadata: { namespace: "argocd" }, spec: { applicationRefs: [{ images: [] }] } },
      "spec.applicationRefs[0].namePattern",
    ],
  ])("malformed CR %j → error at %s", (value, key) => {
    const result = resolveImageUpdater(value, [app("web")]);
    expect(result.diagnostics.find((d) => d.severity === "error")?.key).toBe(key);
    expect(result.matches.every((m) => !m.config.updatable)).toBe(true);
  });

  it("warns about settings ignored by useAnnotations", () => {
    const { diagnostics } = one({ applicationRefs: [ref({ useAnnotations: true })] });
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", key: "spec.applicationRefs[0].images" }),
    ]);
  });
});

describe("properties", () => {
  const leaf = fc.oneof(
    fc.string(),
    fc.boolean(),
    fc.integer(),
    fc.constant(null),
    fc.array(fc.string(), { maxLength: 3 }),
  );
  const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      leaf,
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(
        fc.constantFrom(
          "namePattern",
          "images",
          "alias",
          "imageName",
          "method",
          "gitConfig",
          "labelSelectors",
          "matchLabels",
          "commonUpdateSettings",
          "x",
        ),
        tie("node"),
        { maxKeys: 4 },
      ),
    ),
  })).node;

  it("never throws and is deterministic", () => {
    const apps = [app("web", { tier: "a" }), app("api")];
    fc.assert(
      fc.property(value, (spec) => {
        const input = cr({ applicationRefs: [spec, ref()] });
        expect(resolveImageUpdater(input, apps)).toEqual(resolveImageUpdater(input, apps));
        expect(() => resolveImageUpdater(spec, apps)).not.toThrow();
      }),
      { numRuns: 500 },
    );
  });
});
