import { readdirSync, readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { parseApplicationAnnotations } from "../src/config/index.js";
import { createStrategyRegistry, createTagFilters } from "../src/strategy/index.js";
import { branchNameData, branchNameFromPrefix } from "../src/template/index.js";

const P = "argocd-image-updater.argoproj.io";
const FIXTURES = new URL("./fixtures/config/seed-apps/", import.meta.url);
const APP = { namespace: "argocd", name: "demo" };

function fixture(name: string): Record<string, string> {
  const manifest = parse(readFileSync(new URL(`${name}.yaml`, FIXTURES), "utf8")) as {
    metadata: { annotations: Record<string, string> };
  };
  return manifest.metadata.annotations;
}

function parseWith(annotations: Record<string, string>, options = {}) {
  const prefixed = Object.fromEntries(Object.entries(annotations).map(([k, v]) => [`${P}/${k}`, v]));
  return parseApplicationAnnotations(prefixed, { application: APP, ...options });
}

function image(annotations: Record<string, string>, options = {}) {
  const result = parseWith(annotations, options);
  return { image: result.config.images[0]!, diagnostics: result.diagnostics };
}

describe("seed article Applications", () => {
  it("covers every fixture", () => {
    expect(readdirSync(FIXTURES).length).toBe(11);
  });

  it("app-staging: latest → newest-build with a deprecation warning", () => {
    const { config, diagnostics } = parseApplicationAnnotations(fixture("app-staging"), { application: APP });
    expect(config.updatable).toBe(true);
    expect(config.images).toHaveLength(1);
    expect(config.images[0]).toMatchObject({
      alias: "myapp",
      image: { registry: "docker.io", repository: "myregistry/myapp", writtenName: "myregistry/myapp" },
      strategy: "newest-build",
      allowTags: { kind: "any" },
      ignoreTags: [],
      forceUpdate: false,
      platforms: [],
      helm: { imageName: "image.name", imageTag: "image.tag" },
      kustomize: {},
    });
    expect(config.writeBack).toEqual({ method: "argocd" });
    expect(diagnostics).toEqual([
      {
        severity: "warning",
        key: `${P}/myapp.update-strategy`,
        image: "myapp",
        message: expect.stringContaining("`newest-build`"),
      },
    ]);
  });

  it.each(["app-production", "myapp-production"])("%s: semver with the stable-release regexp", (name) => {
    const { config } = parseApplicationAnnotations(fixture(name), { application: APP });
    const [first] = config.images;
    expect(first?.strategy).toBe("semver");
    expect(first?.allowTags).toEqual({
      kind: "regexp",
      pattern: "^[0-9]+\\.[0-9]+\\.[0-9]+$",
      written: "^[0-9]+\\.[0-9]+\\.[0-9]+$",
    });
    const filters = createTagFilters(first?.allowTags, first?.ignoreTags);
    expect(filters.warnings).toEqual([]);
    expect(["1.2.3", "1.3.0", "1.2.4-beta", "v1.2.3"].filter((t) => filters.check(t).kept)).toEqual(["1.2.3", "1.3.0"]);
  });

  it("name strategy: name → alphabetical, release-* only", () => {
    const { config, diagnostics } = parseApplicationAnnotations(fixture("name-strategy"));
    expect(config.images[0]).toMatchObject({
      strategy: "alphabetical",
      allowTags: { kind: "regexp", pattern: "^release-.*" },
    });
    expect(diagnostics.map((d) => d.severity)).toEqual(["warning"]);
  });

  it("write-back direct: git on main with repository credentials", () => {
    const { config } = parseApplicationAnnotations(fixture("write-back-direct"));
    expect(config.writeBack).toEqual({
      method: "git",
      git: { credentials: { kind: "repocreds" }, baseBranch: "main", target: { kind: "default" } },
    });
    expect(config.updatable).toBe(false);
  });

  it("write-back branch: git:branch from main, branches named image-update/<image>-<tag>", () => {
    const { config, diagnostics } = parseApplicationAnnotations(fixture("write-back-branch"));
    expect(config.writeBack.git).toEqual({
      credentials: { kind: "repocreds" },
      baseBranch: "main",
      branchPrefix: "image-update/",
      target: { kind: "default" },
    });
    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    const data = branchNameData({
      application: { namespace: "argocd", name: "app" },
      changes: [{ image: "myregistry/myapp", newTag: "1.2.3" }],
    });
    expect(branchNameFromPrefix(config.writeBack.git?.branchPrefix ?? "", data)).toBe("image-update/myapp-1.2.3");
  });

  it("myapp-staging: docker.io/myorg/myapp, newest-build, direct git commit", () => {
    const { config } = parseApplicationAnnotations(fixture("myapp-staging"), { application: APP });
    expect(config.images[0]).toMatchObject({
      alias: "app",
      image: {
        registry: "docker.io",
        repository: "myorg/myapp",
        writtenName: "docker.io/myorg/myapp",
        registryExplicit: true,
      },
      strategy: "newest-build",
    });
    expect(config.writeBack.git).toMatchObject({ baseBranch: "main" });
    expect(config.writeBack.git?.writeBranch).toBeUndefined();
  });

  it("myapp-production: git:branch without a prefix uses image-update/", () => {
    const { config } = parseApplicationAnnotations(fixture("myapp-production"), { application: APP });
    expect(config.writeBack.git).toMatchObject({
      baseBranch: "main",
      branchPrefix: "image-update/",
    });
  });

  it("canary: helm.image-spec wins over helm.image-name, with an info", () => {
    const { config, diagnostics } = parseApplicationAnnotations(fixture("canary"));
    expect(config.images[0]?.helm).toEqual({
      imageName: "image.tag",
      imageTag: "image.tag",
      imageSpec: "canary.image.tag",
    });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "info", key: `${P}/app.helm.image-spec` })]);
  });

  it("myapp-cluster-prod: semver, argocd write-back", () => {
    const { config, diagnostics } = parseApplicationAnnotations(fixture("myapp-cluster-prod"));
    expect(config.images[0]).toMatchObject({ alias: "app", strategy: "semver" });
    expect(config.writeBack.method).toBe("argocd");
    expect(diagnostics).toEqual([]);
  });

  it("debug: git:noop is a dry run; the stray alias key is reported", () => {
    const { config, diagnostics } = parseApplicationAnnotations({
      ...fixture("debug"),
      [`${P}/image-list`]: "myapp=myregistry/myapp",
    });
    expect(config.writeBack).toMatchObject({ method: "git:noop", git: { credentials: { kind: "repocreds" } } });
    expect(config.images[0]).toMatchObject({
      strategy: "newest-build",
      pullSecret: { kind: "pullsecret", namespace: "argocd", name: "registry-creds" },
    });
    expect(diagnostics.map((d) => d.key)).toEqual([`${P}/update-strategy`]);
    const bare = parseApplicationAnnotations(fixture("debug"));
    expect(bare.config.updatable).toBe(false);
    expect(bare.diagnostics.map((d) => [d.severity, d.key])).toEqual([
      ["info", `${P}/image-list`],
      ["warning", `${P}/myapp.pull-secret`],
    ]);
  });

  it("tag patterns: allow-tags and ignore-tags list", () => {
    const { config } = parseApplicationAnnotations(fixture("tag-patterns"));
    expect(config.images[0]?.ignoreTags).toEqual(["latest", "dev"]);
    const filters = createTagFilters(config.images[0]?.allowTags, config.images[0]?.ignoreTags);
    expect(["latest", "dev", "1.0.0"].map((t) => filters.check(t).kept)).toEqual([false, false, true]);
  });
});

describe("image-list", () => {
  it("reads several images, aliases with / in keys as _", () => {
    const { config, diagnostics } = parseWith({
      "image-list": "web=ghcr.io/org/web:^1.0, org/api=org/api:~2.1, nginx",
      "web.update-strategy": "newest-build",
      "org_api.update-strategy": "alphabetical",
    });
    expect(diagnostics).toEqual([]);
    expect(config.images.map((i) => [i.alias, i.constraint, i.strategy])).toEqual([
      ["web", "^1.0", "newest-build"],
      ["org/api", "~2.1", "alphabetical"],
      ["", undefined, "semver"],
    ]);
  });

  it("one bad entry never hides the good ones", () => {
    const { config, diagnostics } = parseWith({ "image-list": "a=nginx, b=Not An Image, c=redis:7.x" });
    expect(config.images.map((i) => i.alias)).toEqual(["a", "c"]);
    expect(config.updatable).toBe(true);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "error", key: `${P}/image-list`, image: "b" })]);
  });
});

describe("per-image keys", () => {
  it.each([
    [{ "update-strategy": "newest-build" }, "newest-build"],
    [{ "update-strategy": "Semver" }, "semver"],
    [{ "update-strategy": "digest" }, "digest"],
    [{ "update-strategy": "numerical" }, "numerical"],
    [{ "update-strategy": "latest" }, "newest-build"],
    [{ "update-strategy": "name" }, "alphabetical"],
    [{ "update-strategy": "bogus" }, "semver"],
    [{ "update-strategy": "calver" }, "calver"],
    [{ "a.update-strategy": "alphabetical", "update-strategy": "latest" }, "alphabetical"],
    [{ "a.update-strategy": " ", "update-strategy": "newest-build" }, "newest-build"],
  ])("update-strategy %j → %s", (keys, expected) => {
    const { image: img } = image({ "image-list": "a=nginx:1.x", ...keys }, { knownStrategies: ["calver"] });
    expect(img.strategy).toBe(expected);
  });

  it.each(["__proto__", "constructor", "toString", "hasOwnProperty"])(
    "update-strategy %j is an unknown name, with the normal diagnostic",
    (written) => {
      const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.update-strategy": written });
      expect(img.strategy).toBe("semver");
      expect(diagnostics).toEqual([
        expect.objectContaining({
          severity: "warning",
          key: `${P}/a.update-strategy`,
          message: expect.stringContaining(`unknown update strategy \`${written}\``),
        }),
      ]);
    },
  );

  it("unknown strategy warns with the names to use", () => {
    const { diagnostics } = image({ "image-list": "a=nginx", "a.update-strategy": "bogus" });
    expect(diagnostics[0]).toMatchObject({ severity: "warning", key: `${P}/a.update-strategy`, image: "a" });
    expect(diagnostics[0]?.message).toContain("`semver`");
  });

  it("reads extract, extract-group, sort-order and natural-sort for the strategy engine", () => {
    const { image: img, diagnostics } = image({
      "image-list": "a=nginx",
      "a.extract": "regexp:^v(?P<n>[0-9]+)$",
      "a.extract-group": "$n",
      "sort-order": "DESC",
      "a.natural-sort": "true",
    });

    expect(diagnostics).toEqual([]);
    expect(img).toMatchObject({
      extract: { pattern: "^v(?P<n>[0-9]+)$", group: "$n" },
      sortOrder: "desc",
      naturalSort: true,
    });
  });

  it("fails closed on an unusable extract pattern and warns about a bad sort-order", () => {
    const { image: img, diagnostics } = image({
      "image-list": "a=nginx",
      "a.extract": "^v([0-9]+$",
      "a.sort-order": "newest",
    });

    expect(img.allowTags.kind).toBe("none");
    expect(img.extract).toBeUndefined();
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: "error", key: `${P}/a.extract` }),
      expect.objectContaining({ severity: "warning", key: `${P}/a.sort-order` }),
    ]);
  });

  it("names each allowed strategy once when the engine passes its whole registry", () => {
    const known = createStrategyRegistry().names();
    const { diagnostics } = image(
      { "image-list": "a=nginx", "a.update-strategy": "bogus" },
      { knownStrategies: known },
    );
    const message = diagnostics[0]?.message ?? "";

    expect(message.match(/`alphabetical`/g)).toHaveLength(1);
    expect(message).toContain("`numerical`");
  });

  it.each([
    ["any", { kind: "any" }, []],
    ["ANY", { kind: "any" }, []],
    ["regexp:^v\\d+$", { kind: "regexp", pattern: "^v\\d+$", written: "^v\\d+$" }, []],
    ["RegExp:^v", { kind: "regexp", pattern: "^v" }, []],
    ["regexp:(?i)^rel", { kind: "regexp", pattern: "(?i)^rel", written: "(?i)^rel" }, []],
    ["regexp:^(?P<v>\\d+)\\z", { kind: "regexp", pattern: "^(?P<v>\\d+)\\z" }, []],
    ["regexp:\\Q1.0\\E[[:digit:]]", { kind: "regexp", pattern: "\\Q1.0\\E[[:digit:]]" }, []],
    // Go's RE2 takes flags anywhere, `U` (ungreedy) included.
    ["regexp:a(?i)b", { kind: "regexp", pattern: "a(?i)b" }, []],
    ["regexp:(?U)a*", { kind: "regexp", pattern: "(?U)a*" }, []],
    ["regexp:(?P<n>a)\\k<n>", { kind: "none" }, ["error"]],
    ["regexp:^v(?=1)", { kind: "none" }, ["error"]],
    ["regexp:^v(?!1)", { kind: "none" }, ["error"]],
    ["regexp:(?<=a)b", { kind: "none" }, ["error"]],
    ["regexp:(a)\\1", { kind: "none" }, ["error"]],
    ["regexp:[", { kind: "none" }, ["error"]],
    ["glob:v*", { kind: "none" }, ["error"]],
    ["^v1", { kind: "none" }, ["error"]],
  ])("allow-tags %j", (value, expected, severities) => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.allow-tags": value });
    expect(img.allowTags).toMatchObject(expected);
    expect(diagnostics.map((d) => d.severity)).toEqual(severities);
    if (img.allowTags.kind === "none") expect(diagnostics[0]?.key).toBe(`${P}/a.allow-tags`);
  });

  it.each([
    ["regexp:(?i)^rel", ["REL-1", "rel-2"], ["v1"]],
    ["regexp:^\\Q1.0\\E[[:digit:]]$", ["1.01"], ["1x01", "1.0"]],
    ["regexp:a(?i)b", ["aB", "xab"], ["AB"]],
    ["regexp:^(?P<v>\\d+)\\z", ["12"], ["12\n", "v12"]],
  ])("allow-tags %j filters tags in the strategy engine", (value, kept, dropped) => {
    const { image: img } = image({ "image-list": "a=nginx", "a.allow-tags": value });
    const filters = createTagFilters(img.allowTags, img.ignoreTags);
    expect(filters.warnings).toEqual([]);
    expect([...kept, ...dropped].filter((tag) => filters.check(tag).kept)).toEqual(kept);
  });

  it("app-wide allow-tags applies to every image, per-image wins", () => {
    const { config } = parseWith({
      "image-list": "a=nginx, b=redis",
      "allow-tags": "regexp:^1",
      "b.allow-tags": "any",
    });
    expect(config.images.map((i) => i.allowTags.kind)).toEqual(["regexp", "any"]);
  });

  it("tag-match is the deprecated allow-tags", () => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.tag-match": "regexp:^v" });
    expect(img.allowTags).toMatchObject({ kind: "regexp", pattern: "^v" });
    expect(diagnostics[0]).toMatchObject({ severity: "warning", key: `${P}/a.tag-match` });
    const both = image({ "image-list": "a=nginx", "a.tag-match": "regexp:^v", "a.allow-tags": "any" });
    expect(both.image.allowTags.kind).toBe("any");
    expect(both.diagnostics).toEqual([]);
  });

  it.each([
    ["latest, master", ["latest", "master"], 0],
    [" *-rc* ,, dev-? ", ["*-rc*", "dev-?"], 0],
    ["*", ["*"], 0],
    ["[abc", ["[abc"], 1],
  ])("ignore-tags %j", (value, expected, warnings) => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "ignore-tags": value });
    expect(img.ignoreTags).toEqual(expected);
    expect(diagnostics).toHaveLength(warnings);
  });

  it.each([
    ["true", true, 0],
    ["True", true, 0],
    ["1", true, 0],
    ["false", false, 0],
    ["0", false, 0],
    ["yes", false, 1],
  ])("force-update %j", (value, expected, errors) => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.force-update": value });
    expect(img.forceUpdate).toBe(expected);
    expect(diagnostics.filter((d) => d.severity === "error")).toHaveLength(errors);
  });

  it.each([
    ["pullsecret:argocd/regcred", { kind: "pullsecret", namespace: "argocd", name: "regcred" }],
    ["secret:argocd/creds#token", { kind: "secret", namespace: "argocd", name: "creds", field: "token" }],
    ["secret:argocd/creds", { kind: "secret", namespace: "argocd", name: "creds" }],
    ["env:REGISTRY_CREDS", { kind: "env", variable: "REGISTRY_CREDS" }],
    ["ext:/scripts/login.sh", { kind: "ext", path: "/scripts/login.sh" }],
    ["ghcr.io=env:GHCR", { kind: "env", variable: "GHCR" }],
  ])("pull-secret %j", (value, expected) => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "pull-secret": value });
    expect(img.pullSecret).toEqual(expected);
    expect(diagnostics).toEqual([]);
  });

  it("an invalid pull-secret is an error and the image pulls anonymously", () => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.pull-secret": "vault:x" });
    expect(img.pullSecret).toBeUndefined();
    expect(img.allowTags.kind).toBe("any");
    expect(diagnostics[0]).toMatchObject({ severity: "error", key: `${P}/a.pull-secret`, image: "a" });
  });

  it("a pull secret in another namespace fails closed unless allowed", () => {
    const annotations = { "image-list": "a=nginx", "a.pull-secret": "pullsecret:other/regcred" };
    const closed = image(annotations);
    expect(closed.image.allowTags.kind).toBe("none");
    expect(closed.diagnostics[0]?.message).toContain("copy the Secret into `argocd`");
    expect(image(annotations, { allowCrossNamespaceSecrets: true }).image.allowTags.kind).toBe("any");
  });

  it.each([
    [{ "a.platforms": "linux/amd64, linux/arm/v7" }, 2, "any", 0],
    [{ platforms: "linux/arm64" }, 1, "any", 0],
    [{ "a.platforms": "linux/amd64,linux" }, 1, "none", 1],
  ])("platforms %j", (keys, count, allow, errors) => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", ...keys });
    expect(img.platforms).toHaveLength(count);
    expect(img.allowTags.kind).toBe(allow);
    expect(diagnostics).toHaveLength(errors);
  });

  it("helm and kustomize names", () => {
    const { image: img } = image({
      "image-list": "a=nginx",
      "a.helm.image-name": "web.image.repository",
      "a.helm.image-tag": "web.image.tag",
      "a.kustomize.image-name": "docker.io/library/nginx",
    });
    expect(img.helm).toEqual({ imageName: "web.image.repository", imageTag: "web.image.tag" });
    expect(img.kustomize).toEqual({ imageName: "docker.io/library/nginx" });
  });

  it("digest without a tag to track fails closed", () => {
    const { image: img, diagnostics } = image({ "image-list": "a=nginx", "a.update-strategy": "digest" });
    expect(img.allowTags.kind).toBe("none");
    expect(diagnostics[0]).toMatchObject({ severity: "error", key: `${P}/image-list`, image: "a" });
    expect(diagnostics[0]?.message).toContain("a=nginx:<tag>");
  });

  it("alias-less images read only app-wide keys", () => {
    const { image: img } = image({
      "image-list": "nginx:1.x",
      "update-strategy": "alphabetical",
      "ignore-tags": "dev",
    });
    expect(img).toMatchObject({ alias: "", strategy: "alphabetical", ignoreTags: ["dev"], constraint: "1.x" });
  });
});

describe("write-back", () => {
  it.each([
    [{}, { method: "argocd" }],
    [{ "write-back-method": "argocd" }, { method: "argocd" }],
    [{ "write-back-method": "git" }, { method: "git", git: { credentials: { kind: "repocreds" } } }],
    [{ "write-back-method": "git:repocreds" }, { method: "git", git: { credentials: { kind: "repocreds" } } }],
    [
      { "write-back-method": "git:secret:argocd-image-updater/git-creds" },
      { git: { credentials: { kind: "secret", namespace: "argocd-image-updater", name: "git-creds" } } },
    ],
    [
      { "write-back-method": "git:secret:git-creds" },
      { git: { credentials: { kind: "secret", namespace: "argocd", name: "git-creds" } } },
    ],
    [{ "write-back-method": "git:noop" }, { method: "git:noop" }],
    [{ "write-back-method": "git:branch" }, { git: { branchPrefix: "image-update/" } }],
    [{ "write-back-method": "git:branch", "git-branch-prefix": "bump/" }, { git: { branchPrefix: "bump/" } }],
    [
      { "write-back-method": "git", "write-back-target": "kustomization" },
      { git: { target: { kind: "kustomization" } } },
    ],
    [
      { "write-back-method": "git", "write-back-target": "kustomization:../base" },
      { git: { target: { kind: "kustomization", path: "../base" } } },
    ],
    [{ "write-back-method": "git", "write-back-target": "helmvalues" }, { git: { target: { kind: "helmvalues" } } }],
    [
      { "write-back-method": "git", "write-back-target": "helmvalues:/helm/config/test-values.yaml" },
      { git: { target: { kind: "helmvalues", path: "/helm/config/test-values.yaml" } } },
    ],
    [
      { "write-back-method": "git", "write-back-target": "overrides/params.yaml" },
      { git: { target: { kind: "file", path: "overrides/params.yaml" } } },
    ],
    [{ "write-back-method": "git", "write-back-target": "flux" }, { git: { target: { kind: "flux" } } }],
    [
      { "write-back-method": "git", "write-back-target": "flux:clusters/prod" },
      { git: { target: { kind: "flux", path: "clusters/prod" } } },
    ],
    [{ "write-back-method": "git", "write-back-target": "manifests" }, { git: { target: { kind: "manifests" } } }],
    [
      { "write-back-method": "git", "write-back-target": "manifests:/deploy/app.yaml" },
      { git: { target: { kind: "manifests", path: "/deploy/app.yaml" } } },
    ],
    [{ "write-back-method": "git", "git-branch": "main" }, { git: { baseBranch: "main" } }],
    [
      { "write-back-method": "git", "git-branch": "main:image-updater{{range .Images}}-{{.Name}}-{{.NewTag}}{{end}}" },
      {
        git: {
          baseBranch: "main",
          writeBranch: "image-updater{{range .Images}}-{{.Name}}-{{.NewTag}}{{end}}",
        },
      },
    ],
    [{ "write-back-method": "git", "git-branch": ":updates" }, { git: { writeBranch: "updates" } }],
    [
      { "write-back-method": "git", "git-repository": "https://github.com/org/gitops.git" },
      { git: { repository: "https://github.com/org/gitops.git" } },
    ],
  ])("%j", (keys, expected) => {
    const { config, diagnostics } = parseWith({ "image-list": "a=nginx", ...keys });
    expect(diagnostics).toEqual([]);
    expect(config.writeBack).toMatchObject(expected);
    expect(config.updatable).toBe(true);
  });

  it.each([
    ["write-back-method", "svn"],
    ["write-back-method", "git:secret:"],
    ["write-back-method", "git:secret:a/b/c"],
    ["write-back-target", "overlays/prod/kustomization.yaml"],
    ["write-back-target", "Kustomization"],
    ["write-back-target", "fluxx"],
    ["write-back-target", "helm-values:values.yaml"],
    ["write-back-target", "overrides/params"],
  ])("%s %j makes the application not updatable", (key, value) => {
    const { config, diagnostics } = parseWith({ "image-list": "a=nginx", "write-back-method": "git", [key]: value });
    expect(config.updatable).toBe(false);
    expect(config.images).toHaveLength(1);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "error", key: `${P}/${key}` })]);
  });

  it("a kustomization file target says to write kustomization:<dir>", () => {
    const { diagnostics } = parseWith({
      "image-list": "a=nginx",
      "write-back-method": "git",
      "write-back-target": "overlays/prod/kustomization.yaml",
    });
    expect(diagnostics[0]?.message).toContain("`kustomization:overlays/prod`");
  });

  it("a made-up target names the key and every allowed form, and is never taken for a file", () => {
    const { config, diagnostics } = parseWith({
      "image-list": "a=nginx",
      "write-back-method": "git",
      "write-back-target": "flux2",
    });
    expect(config.writeBack.git).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]?.key).toBe(`${P}/write-back-target`);
    for (const form of [
      "`kustomization[:<dir>]`",
      "`helmvalues[:<file>]`",
      "`manifests[:<dir or file>]`",
      "`flux[:<dir or file>]`",
      "`.argocd-source-<app>.yaml`",
    ]) {
      expect(diagnostics[0]?.message).toContain(form);
    }
  });

  it("git:secret:<name> needs the application's namespace", () => {
    const { config, diagnostics } = parseApplicationAnnotations({
      [`${P}/image-list`]: "a=nginx",
      [`${P}/write-back-method`]: "git:secret:creds",
    });
    expect(config.updatable).toBe(false);
    expect(diagnostics[0]?.message).toContain("git:secret:<namespace>/<name>");
  });

  it.each(["write-back-target", "git-branch", "git-repository", "git-branch-prefix"])(
    "%s without a git method is a warning",
    (key) => {
      const { diagnostics } = parseWith({ "image-list": "a=nginx", [key]: "x" });
      expect(diagnostics).toEqual([expect.objectContaining({ severity: "warning", key: `${P}/${key}` })]);
    },
  );

  it("warns, without echoing it, about a token in git-repository", () => {
    const { config, diagnostics } = parseWith({
      "image-list": "a=nginx",
      "write-back-method": "git",
      "git-repository": "https://bot:ghp_s3cret@github.com/org/gitops.git",
    });
    expect(config.updatable).toBe(true);
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "warning", key: `${P}/git-repository` })]);
    expect(diagnostics[0]?.message).not.toContain("ghp_s3cret");
  });

  it("git-branch-prefix without git:branch is a warning", () => {
    const { diagnostics } = parseWith({
      "image-list": "a=nginx",
      "write-back-method": "git",
      "git-branch-prefix": "x/",
    });
    expect(diagnostics).toEqual([expect.objectContaining({ severity: "warning", key: `${P}/git-branch-prefix` })]);
  });
});

describe("keys and prefix", () => {
  it("warns on unknown keys and on options for unknown aliases", () => {
    const { diagnostics } = parseWith({
      "image-list": "a=nginx",
      "a.update-stategy": "semver",
      "b.allow-tags": "any",
    });
    expect(diagnostics.map((d) => [d.severity, d.key])).toEqual([
      ["warning", `${P}/a.update-stategy`],
      ["warning", `${P}/b.allow-tags`],
    ]);
  });

  it("reads a custom prefix and ignores other annotations", () => {
    const { config } = parseApplicationAnnotations(
      {
        "example.com/image-list": "a=nginx",
        "example.com/a.update-strategy": "digest",
        [`${P}/image-list`]: "b=redis",
      },
      { prefix: "example.com/" },
    );
    expect(config.images.map((i) => [i.alias, i.strategy])).toEqual([["a", "digest"]]);
  });

  it("dotted aliases resolve their keys", () => {
    const { image: img } = image({ "image-list": "my.app=nginx", "my.app.helm.image-tag": "tag" });
    expect(img.helm.imageTag).toBe("tag");
  });
});

describe("properties", () => {
  const keys = fc.constantFrom(
    "image-list",
    "update-strategy",
    "a.update-strategy",
    "a.allow-tags",
    "allow-tags",
    "ignore-tags",
    "a.force-update",
    "pull-secret",
    "a.platforms",
    "platforms",
    "write-back-method",
    "write-back-target",
    "git-branch",
    "git-branch-prefix",
    "a.helm.image-spec",
    "zzz",
  );
  const annotations = fc.dictionary(
    keys.map((k) => `${P}/${k}`),
    fc.oneof(fc.string(), fc.constantFrom("a=nginx:~1", "regexp:(", "git:branch", "secret:x/y#z", "linux/arm/v7")),
  );

  it("never throw and are deterministic", () => {
    fc.assert(
      fc.property(annotations, (input) => {
        const first = parseApplicationAnnotations(input, { application: APP });
        expect(parseApplicationAnnotations(input, { application: APP })).toEqual(first);
        for (const d of first.diagnostics) expect(d.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });

  it("never throw on arbitrary records", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.string()), (input) => {
        expect(() => parseApplicationAnnotations(input)).not.toThrow();
      }),
    );
  });
});

describe("annotation value limits", () => {
  const PREFIX = "argocd-image-updater.argoproj.io";

  it("ignores a value over the length limit with an error naming the key and the limit; the others still count", () => {
    const result = parseApplicationAnnotations({
      [`${PREFIX}/image-list`]: "app=ghcr.io/org/app:^1.0",
      [`${PREFIX}/app.allow-tags`]: `regexp:^${"a".repeat(70_000)}$`,
    });

    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        key: `${PREFIX}/app.allow-tags`,
        message: expect.stringContaining(`over the limit of ${64 * 1024}`),
      }),
    );
    expect(result.config.images.map((image) => image.alias)).toEqual(["app"]);
  });

  it("leaves an application with an over-long image-list unmanaged, saying why once", () => {
    const list = Array.from({ length: 6000 }, (_, i) => `app${i}=ghcr.io/org/app${i}`).join(",");

    const result = parseApplicationAnnotations({ [`${PREFIX}/image-list`]: list }, { maxValueLength: 1024 });

    expect(result.diagnostics.filter((d) => d.key === `${PREFIX}/image-list`)).toMatchObject([{ severity: "error" }]);
    expect(result.config.images).toEqual([]);
  });
});

describe("annotation diagnostics", () => {
  it("never quote the password of a URL written into an annotation", () => {
    const result = parseApplicationAnnotations({
      "argocd-image-updater.argoproj.io/image-list": "a=nginx",
      "argocd-image-updater.argoproj.io/write-back-method": "git:https://u:hunter2-secret@h",
    });

    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(JSON.stringify(result.diagnostics)).not.toContain("hunter2-secret");
  });
});
