import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatCredentialReference, parseCredentialReference } from "../src/config/credentials.js";

describe("parseCredentialReference", () => {
  it.each([
    ["pullsecret:argocd/gcr-creds", { kind: "pullsecret", namespace: "argocd", name: "gcr-creds" }],
    ["secret:argocd/docker-hub-creds", { kind: "secret", namespace: "argocd", name: "docker-hub-creds" }],
    ["secret:argocd/creds#creds", { kind: "secret", namespace: "argocd", name: "creds", field: "creds" }],
    [
      "secret:ns/s.v1#.dockerconfig_json-x",
      { kind: "secret", namespace: "ns", name: "s.v1", field: ".dockerconfig_json-x" },
    ],
    ["env:REGISTRY_SECRET", { kind: "env", variable: "REGISTRY_SECRET" }],
    ["ext:/scripts/ecr-login.sh", { kind: "ext", path: "/scripts/ecr-login.sh" }],
    ["ext:/opt/a:b/login", { kind: "ext", path: "/opt/a:b/login" }],
    ["  Secret:argocd/x  ", { kind: "secret", namespace: "argocd", name: "x" }],
    ["ghcr.io=pullsecret:ns/ghcr", { kind: "pullsecret", namespace: "ns", name: "ghcr", registry: "ghcr.io" }],
    ["localhost:5000=env:LOCAL", { kind: "env", variable: "LOCAL", registry: "localhost:5000" }],
    ["quay.io = ext:/x", { kind: "ext", path: "/x", registry: "quay.io" }],
  ])("%j", (text, expected) => {
    expect(parseCredentialReference(text)).toEqual({ value: expected, diagnostics: [] });
  });

  it.each([
    ["", "unknown kind"],
    ["vault:secret/x", "unknown kind"],
    ["secret", "unknown kind"],
    ["secret:argocd", "secret:<namespace>/<name>"],
    ["secret:/name", "secret:<namespace>/<name>"],
    ["secret:a/b/c", "secret:<namespace>/<name>"],
    ["pullsecret:Argocd/x", "namespace"],
    ["pullsecret:argocd/X_y", "Secret name"],
    ["secret:argocd/x#bad field", "field"],
    ["env:", "env:<VARIABLE>"],
    ["env:1BAD", "env:<VARIABLE>"],
    ["ext:scripts/login.sh", "absolute path"],
    ["=env:X", "registry before `=`"],
    ["ghcr.io/org=env:X", "registry before `=`"],
  ])("rejects %j", (text, fragment) => {
    const result = parseCredentialReference(text, { key: "k", alias: "a" });
    expect(result.value).toBeUndefined();
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({ severity: "error", key: "k", image: "a" });
    expect(result.diagnostics[0]?.message).toContain(fragment);
  });

  it("warns that a pull secret ignores #field", () => {
    const result = parseCredentialReference("pullsecret:ns/x#f");
    expect(result.value).toEqual({ kind: "pullsecret", namespace: "ns", name: "x" });
    expect(result.diagnostics[0]?.severity).toBe("warning");
  });

  it.each(["pullsecret:ns/x", "secret:ns/x", "secret:ns/x#f", "env:V", "ext:/p"])("formats %j back", (text) => {
    expect(formatCredentialReference(parseCredentialReference(text).value!)).toBe(text);
  });

  it("never throws and is deterministic", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[a-z:=/#._ -]{0,30}$/)), (text) => {
        expect(parseCredentialReference(text)).toEqual(parseCredentialReference(text));
      }),
      { numRuns: 2000 },
    );
  });
});
