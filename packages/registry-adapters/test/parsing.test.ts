import { matchesPlatform } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { findDockerConfigAuth, parseUserPass } from "../src/index.js";
import { parseChallenges } from "../src/oci-distribution/challenge.js";
import { parseRetryAfter } from "../src/oci-distribution/http.js";
import { nextLink } from "../src/oci-distribution/link.js";

describe("parseChallenges", () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      [
        {
          scheme: "bearer",
          params: {
            realm: "https://auth.docker.io/token",
            service: "registry.docker.io",
            scope: "repository:library/nginx:pull",
          },
        },
      ],
    ],
    ['Basic realm="test-realm"', [{ scheme: "basic", params: { realm: "test-realm" } }]],
    [
      'Bearer realm="r",scope="repository:a:pull,push",error="insufficient_scope"',
      [{ scheme: "bearer", params: { realm: "r", scope: "repository:a:pull,push", error: "insufficient_scope" } }],
    ],
    [
      'Basic realm="a", Bearer realm="b"',
      [
        { scheme: "basic", params: { realm: "a" } },
        { scheme: "bearer", params: { realm: "b" } },
      ],
    ],
    [null, []],
  ])("parses %s", (header, expected) => {
    expect(parseChallenges(header)).toEqual(expected);
  });
});

describe("nextLink", () => {
  const base = new URL("https://registry.test/v2/a/tags/list?n=2");
  it.each([
    ['</v2/a/tags/list?n=2&last=b>; rel="next"', "https://registry.test/v2/a/tags/list?n=2&last=b"],
    ["<https://other.test/v2/a/tags/list?last=b>; rel=next", "https://other.test/v2/a/tags/list?last=b"],
    ['</x>; rel="prev", </y>; rel="next"', "https://registry.test/y"],
    ['</x>; rel="prev"', undefined],
    [null, undefined],
  ])("resolves %s", (header, expected) => {
    expect(nextLink(header, base)?.href).toEqual(expected);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    ["2", 2000],
    ["0", 0],
    ["Thu, 01 Jan 1970 00:00:10 GMT", 5000],
    ["soon", undefined],
    [null, undefined],
  ])("reads %s", (value, expected) => {
    expect(parseRetryAfter(value, 5000)).toEqual(expected);
  });
});

describe("matchesPlatform (core's rule, used by this package's clients)", () => {
  const arm64v8 = { os: "linux", architecture: "arm64", variant: "v8" };
  it.each([
    [arm64v8, [], true],
    [arm64v8, [{ os: "linux", architecture: "arm64" }], true],
    [arm64v8, [{ os: "linux", architecture: "arm64", variant: "v8" }], true],
    [arm64v8, [{ os: "linux", architecture: "arm", variant: "v7" }], false],
    // arm64 images that record no variant are v8 (containerd's default variant).
    [{ os: "linux", architecture: "arm64" }, [{ os: "linux", architecture: "arm64", variant: "v8" }], true],
    [{ os: "linux", architecture: "arm64" }, [{ os: "linux", architecture: "arm64", variant: "v9" }], false],
    // Nothing says an image without a platform is the wrong one.
    [undefined, [{ os: "linux", architecture: "amd64" }], true],
  ])("%j against %j is %s", (candidate, wanted, expected) => {
    expect(matchesPlatform(wanted, candidate)).toBe(expected);
  });
});

describe("parseUserPass", () => {
  it.each([
    ["user:pass", { username: "user", password: "pass" }],
    [
      '_json_key:{"type":"service_account","key":"a:b"}',
      { username: "_json_key", password: '{"type":"service_account","key":"a:b"}' },
    ],
    ["AWS:eyJ0b2tlbiI6ImEifQ==\n", { username: "AWS", password: "eyJ0b2tlbiI6ImEifQ==" }],
    ["nocolon", null],
    [":pass", null],
  ])("splits %s at the first colon", (text, expected) => {
    expect(parseUserPass(text)).toEqual(expected);
  });
});

describe("findDockerConfigAuth", () => {
  const auth = (user: string, pass: string) => Buffer.from(`${user}:${pass}`).toString("base64");
  it.each([
    ["https://index.docker.io/v1/", ["docker.io", "https://registry-1.docker.io"]],
    ["docker.io", ["docker.io", "https://registry-1.docker.io"]],
    ["index.docker.io", ["docker.io"]],
    ["https://registry-1.docker.io", ["index.docker.io"]],
    ["ghcr.io", ["ghcr.io", "https://ghcr.io"]],
    ["https://ghcr.io/", ["ghcr.io"]],
    ["registry.test:5000", ["registry.test:5000", "http://registry.test:5000"]],
  ])("finds the entry keyed %s for %j", (key, hosts) => {
    const json = JSON.stringify({ auths: { "other.test": { auth: auth("x", "y") }, [key]: { auth: auth("u", "p") } } });

    expect(findDockerConfigAuth(json, hosts)).toEqual({ found: true, credentials: { username: "u", password: "p" } });
  });

  it("reads username and password fields when there is no auth", () => {
    const json = JSON.stringify({ auths: { "quay.io": { username: "robot", password: "pw" } } });

    expect(findDockerConfigAuth(json, ["quay.io"])).toEqual({
      found: true,
      credentials: { username: "robot", password: "pw" },
    });
  });

  it.each([
    ["{", "not valid docker config JSON"],
    ['{"auths":{"ghcr.io":{"auth":"eDp5"}}}', "no auths entry for quay.io"],
    ["{}", "has no auths"],
  ])("explains why %s gives nothing", (json, reason) => {
    const result = findDockerConfigAuth(json, ["quay.io"]);

    expect(result.found).toBe(false);
    expect(result.found ? "" : result.reason).toContain(reason);
  });
});
