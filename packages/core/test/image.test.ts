import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseImageList, parseImageListEntry } from "../src/image/image-list.js";
import { parsePlatform, parsePlatformList } from "../src/image/platform.js";
import {
  familiarName,
  formatImage,
  normalizeImageName,
  parseImageReference,
  sameImage,
} from "../src/image/reference.js";

const SHA = `sha256:${"a".repeat(64)}`;

describe("parseImageReference", () => {
  it.each([
    ["nginx", "docker.io", "library/nginx", undefined, undefined, false],
    ["nginx:1.25", "docker.io", "library/nginx", "1.25", undefined, false],
    ["library/nginx", "docker.io", "library/nginx", undefined, undefined, false],
    ["docker.io/nginx", "docker.io", "library/nginx", undefined, undefined, true],
    ["index.docker.io/library/nginx:latest", "docker.io", "library/nginx", "latest", undefined, true],
    ["myorg/myapp:v1.2.3", "docker.io", "myorg/myapp", "v1.2.3", undefined, false],
    ["myregistry/myapp", "docker.io", "myregistry/myapp", undefined, undefined, false],
    ["docker.io/myorg/myapp", "docker.io", "myorg/myapp", undefined, undefined, true],
    ["ghcr.io/org/team/app:1.0", "ghcr.io", "org/team/app", "1.0", undefined, true],
    ["harbor.example.com/library/x", "harbor.example.com", "library/x", undefined, undefined, true],
    ["quay.io/app", "quay.io", "app", undefined, undefined, true],
    ["localhost/app", "localhost", "app", undefined, undefined, true],
    ["localhost:5000/app:dev", "localhost:5000", "app", "dev", undefined, true],
    ["127.0.0.1:5000/a/b", "127.0.0.1:5000", "a/b", undefined, undefined, true],
    ["[::1]:5000/app", "[::1]:5000", "app", undefined, undefined, true],
    ["Registry/app", "Registry", "app", undefined, undefined, true],
    [`nginx@${SHA}`, "docker.io", "library/nginx", undefined, SHA, false],
    [`nginx:1.25@${SHA}`, "docker.io", "library/nginx", "1.25", SHA, false],
    ["  a__b/c-d.e_f:T_1  ", "docker.io", "a__b/c-d.e_f", "T_1", undefined, false],
  ])("%s", (text, registry, repository, tag, digest, explicit) => {
    const { value, diagnostics } = parseImageReference(text);
    expect(diagnostics).toEqual([]);
    expect(value).toMatchObject({ registry, repository, registryExplicit: explicit, original: text.trim() });
    expect(value?.tag).toBe(tag);
    expect(value?.digest).toBe(digest);
  });

  it.each([
    ["", "empty"],
    ["nginx:~1.26", "tag"],
    ["nginx:>=1.0 <2.0", "image-list"],
    ["MyOrg/App", "lowercase"],
    ["myorg/App", "write `app`"],
    ["a//b", "empty path segments"],
    ["/nginx", "empty path segments"],
    ["nginx/", "empty path segments"],
    ["nginx@sha256:abc", "64"],
    ["nginx@notadigest", "algorithm:hex"],
    ["-bad.host/app", "registry host"],
    ["a-/b", "not a valid repository segment"],
    [`${"a".repeat(256)}`, "255"],
    ["nginx:.bad", "tag"],
  ])("rejects %j with a diagnostic mentioning %s", (text, fragment) => {
    const { value, diagnostics } = parseImageReference(text, { key: "k", alias: "x" });
    expect(value).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatchObject({ severity: "error", key: "k", image: "x" });
    expect(diagnostics[0]?.message).toContain(fragment);
  });
});

describe("normalizeImageName and sameImage", () => {
  it.each([
    ["nginx", "docker.io/library/nginx"],
    ["nginx:1.2", "docker.io/library/nginx"],
    ["index.docker.io/nginx", "docker.io/library/nginx"],
    ["myorg/app", "docker.io/myorg/app"],
    ["ghcr.io/a/b@" + SHA, "ghcr.io/a/b"],
    ["not valid!", undefined],
  ])("normalizeImageName(%j) = %j", (text, expected) => {
    expect(normalizeImageName(text)).toBe(expected);
  });

  it.each([
    ["nginx", "docker.io/library/nginx:1.0", true],
    ["nginx", "library/nginx", true],
    ["docker.io/myorg/myapp", "myorg/myapp", true],
    ["nginx", "ghcr.io/nginx", false],
    ["harbor.example.com/library/x", "harbor.example.com/x", false],
    ["nginx", "nginx2", false],
    ["bad!", "bad!", false],
  ])("sameImage(%j, %j) = %s", (a, b, expected) => {
    expect(sameImage(a, b)).toBe(expected);
    expect(sameImage(b, a)).toBe(expected);
  });

  it("accepts parsed references", () => {
    const a = parseImageReference("nginx").value!;
    expect(sameImage(a, "docker.io/nginx:2")).toBe(true);
  });
});

describe("formatImage", () => {
  it.each([
    ["nginx", {}, "nginx"],
    ["nginx:1.0", {}, "nginx:1.0"],
    ["nginx:1.0", { tag: "1.1" }, "nginx:1.1"],
    ["nginx:1.0", { tag: null }, "nginx"],
    ["nginx", { digest: SHA }, `nginx@${SHA}`],
    ["nginx:1.0", { digest: SHA }, `nginx:1.0@${SHA}`],
    [`nginx:1.0@${SHA}`, { digest: null }, "nginx:1.0"],
    ["docker.io/nginx:1.0", {}, "docker.io/nginx:1.0"],
    ["docker.io/nginx:1.0", { style: "canonical" }, "docker.io/library/nginx:1.0"],
    ["docker.io/nginx:1.0", { style: "familiar" }, "nginx:1.0"],
    ["docker.io/myorg/app", { style: "familiar", tag: "2" }, "myorg/app:2"],
    ["ghcr.io/org/app", { style: "familiar", tag: "2" }, "ghcr.io/org/app:2"],
    ["localhost:5000/app:1", { style: "canonical" }, "localhost:5000/app:1"],
  ] as const)("formatImage(%j, %j) = %j", (text, options, expected) => {
    expect(formatImage(parseImageReference(text).value!, options)).toBe(expected);
  });

  it("familiarName keeps nested library paths", () => {
    expect(familiarName({ registry: "docker.io", repository: "library/a/b" })).toBe("library/a/b");
  });
});

describe("parseImageListEntry", () => {
  it.each([
    ["nginx", undefined, "docker.io", "library/nginx", undefined],
    ["myapp=myregistry/myapp", "myapp", "docker.io", "myregistry/myapp", undefined],
    ["app=docker.io/myorg/myapp", "app", "docker.io", "myorg/myapp", undefined],
    ["nginx:~1.26", undefined, "docker.io", "library/nginx", "~1.26"],
    ["x=some/image:^1.0", "x", "docker.io", "some/image", "^1.0"],
    ["x=some/image:>=1.0 <2.0", "x", "docker.io", "some/image", ">=1.0 <2.0"],
    ["some/image:1.2.x", undefined, "docker.io", "some/image", "1.2.x"],
    ["x=localhost:5000/app:~1.2", "x", "localhost:5000", "app", "~1.2"],
    ["myimage=some/image:latest", "myimage", "docker.io", "some/image", "latest"],
    ["org/app=ghcr.io/org/app:v1.x", "org/app", "ghcr.io", "org/app", "v1.x"],
    ["  a = nginx : 1.x  ", "a", "docker.io", "library/nginx ", undefined],
  ])("%j", (text, alias, registry, repository, constraint) => {
    const { value, diagnostics } = parseImageListEntry(text);
    if (repository.endsWith(" ")) {
      expect(value).toBeUndefined();
      expect(diagnostics[0]?.message).toContain("spaces");
      return;
    }
    expect(diagnostics).toEqual([]);
    expect(value?.alias).toBe(alias);
    expect(value?.image).toMatchObject({ registry, repository });
    expect(value?.image.tag).toBeUndefined();
    expect(value?.constraint).toBe(constraint);
  });

  it("keeps a pinned digest", () => {
    const { value } = parseImageListEntry(`a=nginx:1.0@${SHA}`);
    expect(value).toMatchObject({ alias: "a", constraint: "1.0", image: { digest: SHA } });
  });

  it.each([
    ["=nginx", "alias before `=` is empty"],
    ["a b=nginx", "alias starts"],
    ["a=", "empty"],
    ["a=Bad/Name", "lowercase"],
    ["a=nginx@sha256:1", "64"],
  ])("rejects %j", (text, fragment) => {
    const { value, diagnostics } = parseImageListEntry(text);
    expect(value).toBeUndefined();
    expect(diagnostics[0]?.severity).toBe("error");
    expect(diagnostics[0]?.message).toContain(fragment);
  });

  it("warns on a trailing colon", () => {
    const { value, diagnostics } = parseImageListEntry("a=nginx:");
    expect(value?.constraint).toBeUndefined();
    expect(diagnostics[0]?.severity).toBe("warning");
  });
});

describe("parseImageList", () => {
  it("keeps the good entries when one is bad", () => {
    const { entries, diagnostics } = parseImageList("a=nginx:~1.26, b=Bad Name, , c=ghcr.io/x/y, a=redis");
    expect(entries.map((e) => e.alias)).toEqual(["a", "c"]);
    expect(diagnostics.map((d) => [d.severity, d.image])).toEqual([
      ["error", "b"],
      ["error", "a"],
    ]);
  });

  it("reports an empty list", () => {
    expect(parseImageList(" , ").diagnostics[0]).toMatchObject({ severity: "error", key: "image-list" });
  });
});

describe("parsePlatform", () => {
  it.each([
    ["linux/amd64", { os: "linux", architecture: "amd64" }],
    ["linux/arm/v7", { os: "linux", architecture: "arm", variant: "v7" }],
    [" Linux/ARM64/v8 ", { os: "linux", architecture: "arm64", variant: "v8" }],
    ["windows/amd64", { os: "windows", architecture: "amd64" }],
  ])("%j", (text, expected) => {
    expect(parsePlatform(text)).toEqual({ value: expected, diagnostics: [] });
  });

  it.each(["linux", "linux/", "/amd64", "linux/amd64/v8/x", "linux/am d64", ""])("rejects %j", (text) => {
    const result = parsePlatform(text, { key: "k", alias: "a" });
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", key: "k", image: "a" });
  });

  it("parses lists, dropping duplicates and reporting bad entries", () => {
    const result = parsePlatformList("linux/amd64, linux/arm64,linux/amd64, nope,");
    expect(result.platforms).toEqual([
      { os: "linux", architecture: "amd64" },
      { os: "linux", architecture: "arm64" },
    ]);
    expect(result.invalid).toEqual(["nope"]);
    expect(result.diagnostics).toHaveLength(1);
  });
});

describe("properties", () => {
  const text = fc.oneof(
    fc.string(),
    fc.stringMatching(/^[a-zA-Z0-9.:/@_=~^<> ,-]{0,40}$/),
    fc.constantFrom("nginx", "ghcr.io/a/b:1", "a=b:~1", `x@${SHA}`),
  );

  it("never throw and are deterministic", () => {
    fc.assert(
      fc.property(text, (input) => {
        for (const parse of [
          parseImageReference,
          parseImageListEntry,
          parsePlatform,
          parseImageList,
          parsePlatformList,
        ]) {
          expect(parse(input)).toEqual(parse(input));
        }
        expect(normalizeImageName(input)).toBe(normalizeImageName(input));
      }),
      { numRuns: 2000 },
    );
  });

  it("a parsed reference renders back to a reference that parses to the same value", () => {
    fc.assert(
      fc.property(text, (input) => {
        const ref = parseImageReference(input).value;
        if (ref === undefined) return;
        for (const style of ["as-written", "canonical", "familiar"] as const) {
          const again = parseImageReference(formatImage(ref, { style })).value;
          expect(again).toMatchObject({ registry: ref.registry, repository: ref.repository });
          expect(again?.tag).toBe(ref.tag);
          expect(again?.digest).toBe(ref.digest);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
