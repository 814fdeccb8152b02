import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  DOCKER_HUB_ENDPOINT,
  INFERRED_REGISTRY_LIMIT,
  parseGoDuration,
  parseRegistriesConf,
  repositoryInRegistry,
  resolveRegistryEndpoint,
} from "../src/config/index.js";
import { parseImageReference } from "../src/image/index.js";
import type { RegistryEndpoint } from "../src/registry/types.js";

const FIXTURES = new URL("./fixtures/config/registries/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, FIXTURES), "utf8");
const conf = (body: string) => `registries:\n- name: R\n  api_url: https://r.example\n  prefix: r.example\n${body}`;
const ref = (text: string) => parseImageReference(text).value!;

describe("seed registries.conf examples", () => {
  it("Docker Hub with the seed's secret:ns/name gets Docker Hub defaults", () => {
    expect(parseRegistriesConf(read("docker-hub.conf"))).toEqual({
      endpoints: [
        {
          name: "Docker Hub",
          prefix: "docker.io",
          apiUrl: "https://registry-1.docker.io",
          defaultNamespace: "library",
          credentials: { kind: "secret", namespace: "argocd", name: "docker-hub-creds" },
          tagSortMode: "none",
          insecure: false,
          limit: 10,
          isDefault: false,
        },
      ],
      diagnostics: [],
    });
  });

  it("ECR with an ext: script and credsexpire 10h", () => {
    const { endpoints, diagnostics } = parseRegistriesConf(read("ecr.conf"));
    expect(diagnostics).toEqual([]);
    expect(endpoints[0]).toMatchObject({
      credentials: { kind: "ext", path: "/scripts/ecr-login.sh" },
      credentialsExpireMs: 36_000_000,
    });
    expect(endpoints[0]?.limit).toBeUndefined();
  });

  it("GCR with a pull secret", () => {
    const { endpoints } = parseRegistriesConf(read("gcr.conf"));
    expect(endpoints[0]?.credentials).toEqual({ kind: "pullsecret", namespace: "argocd", name: "gcr-creds" });
  });

  it("Harbor with `insecure: no`", () => {
    const { endpoints, diagnostics } = parseRegistriesConf(read("harbor.conf"));
    expect(diagnostics).toEqual([]);
    expect(endpoints[0]).toMatchObject({ insecure: false, credentials: { kind: "secret", name: "harbor-creds" } });
  });

  it("every field", () => {
    const { endpoints, diagnostics } = parseRegistriesConf(read("every-field.conf"));
    expect(diagnostics).toEqual([
      { severity: "info", key: "registries[0].ping", line: 6, message: expect.stringContaining("no effect") },
    ]);
    expect(endpoints).toEqual([
      {
        name: "Internal",
        prefix: "registry.internal:5000/team",
        apiUrl: "https://registry.internal:5000",
        credentials: { kind: "env", variable: "INTERNAL_CREDS" },
        credentialsExpireMs: 5_400_000,
        tagSortMode: "latest-first",
        insecure: true,
        caFile: "/app/config/tls/registry.internal",
        caData: "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n",
        defaultNamespace: "apps",
        limit: 5,
        isDefault: true,
      },
    ]);
  });
});

describe("fields", () => {
  it.each([
    ["yes", true],
    ["no", false],
    ["on", true],
    ["off", false],
    ["true", true],
    ["False", false],
    ["Y", true],
    ["n", false],
  ])("insecure: %s", (value, expected) => {
    const { endpoints, diagnostics } = parseRegistriesConf(conf(`  insecure: ${value}\n`));
    expect(diagnostics).toEqual([]);
    expect(endpoints[0]?.insecure).toBe(expected);
  });

  it.each([
    ["credsexpire: 0", { credentialsExpireMs: undefined }],
    ["credsexpire: 500ms", { credentialsExpireMs: 500 }],
    ["credsexpire: 12h", { credentialsExpireMs: 43_200_000 }],
    ["tagsortmode: latest-last", { tagSortMode: "latest-last" }],
    ["tagsortmode: none", { tagSortMode: "none" }],
    ["tagsortmode: ''", { tagSortMode: "none" }],
    ["limit: 0", { limit: undefined }],
    ["limit: 50", { limit: 50 }],
    ["timeout: 45s", { timeoutMs: 45_000 }],
    ["maxtags: 200000", { maxTags: 200_000 }],
    ["defaultns: team", { defaultNamespace: "team" }],
    ["ca_file: /etc/ca.pem", { caFile: "/etc/ca.pem" }],
    ["default: yes", { isDefault: true }],
    ["credentials: secret:ns/s#creds", { credentials: { kind: "secret", namespace: "ns", name: "s", field: "creds" } }],
  ])("%s", (line, expected) => {
    const { endpoints, diagnostics } = parseRegistriesConf(conf(`  ${line}\n`));
    expect(diagnostics).toEqual([]);
    for (const [key, value] of Object.entries(expected))
      expect(endpoints[0]?.[key as keyof RegistryEndpoint]).toEqual(value);
  });

  it("warns about a negative limit, naming the line, and keeps the entry unpaced", () => {
    const { endpoints, diagnostics } = parseRegistriesConf(conf("  limit: -5\n"));

    expect(endpoints[0]?.limit).toBeUndefined();
    expect(diagnostics).toMatchObject([{ severity: "warning", key: "registries[0].limit", line: 5 }]);
    expect(diagnostics[0]?.message).toContain("`-5` is negative");
  });

  it("trims trailing slashes from api_url and keeps Docker Hub limit unless set", () => {
    const text =
      "registries:\n- name: Hub\n  prefix: docker.io\n  api_url: https://mirror.example/\n  limit: 3\n  defaultns: mirror\n";
    expect(parseRegistriesConf(text).endpoints[0]).toMatchObject({
      apiUrl: "https://mirror.example",
      limit: 3,
      defaultNamespace: "mirror",
    });
  });

  it.each(["", "# only a comment\n", "registries:\n", "registries: []\n"])("empty file %j has no endpoints", (text) => {
    expect(parseRegistriesConf(text)).toEqual({ endpoints: [], diagnostics: [] });
  });
});

describe("errors, with their line", () => {
  it.each([
    [
      "registries:\n- name: A\n  api_url: https://a\n  prefix: a\n  insecrue: yes\n",
      "registries[0].insecrue",
      5,
      "unknown key",
      1,
    ],
    ["registry:\n- name: A\n", "registry", 1, "unknown key", 0],
    ["registries:\n- api_url: https://a\n  prefix: a\n", "registries[0].name", 2, "name is missing", 0],
    ["registries:\n- name: A\n  prefix: a\n", "registries[0].api_url", 2, "API URL must be specified", 0],
    ["registries:\n- name: A\n  prefix: a\n  api_url: ftp://a\n", "registries[0].api_url", 4, "not a registry URL", 0],
    [
      "registries:\n- name: A\n  prefix: a\n  api_url: https://u:s3cret@a\n",
      "registries[0].api_url",
      4,
      "must not hold credentials",
      0,
    ],
    [conf("  insecure: maybe\n"), "registries[0].insecure", 5, "not a boolean", 0],
    [conf("  credsexpire: 10 hours\n"), "registries[0].credsexpire", 5, "not a duration", 0],
    [conf("  credsexpire: 10\n"), "registries[0].credsexpire", 5, "not a duration", 0],
    [conf("  credsexpire: -1h\n"), "registries[0].credsexpire", 5, "negative", 0],
    [conf("  timeout: soon\n"), "registries[0].timeout", 5, "positive duration", 0],
    [conf("  maxtags: -1\n"), "registries[0].maxtags", 5, "positive whole number", 0],
    [conf("  tagsortmode: newest\n"), "registries[0].tagsortmode", 5, "unknown tag sort mode", 0],
    [conf("  limit: fast\n"), "registries[0].limit", 5, "whole number", 0],
    [conf("  limit: 1.5\n"), "registries[0].limit", 5, "whole number", 0],
    [conf("  credentials: vault:x\n"), "registries[0].credentials", 5, "unknown kind", 0],
    [conf("  ca_data: not a pem\n"), "registries[0].ca_data", 5, "PEM", 0],
    [conf("  defaultns: [a, b]\n"), "registries[0].defaultns", 5, "single value", 0],
    ["registries: nope\n", "registries", 1, "holds a list", 0],
    ["- a\n", "registries.conf", 1, "`registries:`", 0],
    ["registries:\n- just a string\n", "registries[0]", 2, "is a map", 0],
    ["registries:\n- name: A\n  name: B\n", "registries.conf", 3, "YAML syntax error", 0],
    ["registries:\n  - name: [\n", "registries.conf", undefined, "YAML syntax error", 0],
    [
      "registries:\n- name: A\n  api_url: https://a\n  prefix: a\n  default: yes\n- name: B\n  api_url: https://b\n  prefix: b\n  default: yes\n",
      "registries[1].default",
      9,
      "only one default registry",
      1,
    ],
    [
      "registries:\n- name: A\n  api_url: https://a\n- name: B\n  api_url: https://b\n",
      "registries[1].prefix",
      4,
      "only one default",
      1,
    ],
    [
      "registries:\n- name: A\n  api_url: https://a\n  prefix: a\n- name: B\n  api_url: https://b\n  prefix: a\n",
      "registries[1].prefix",
      7,
      "already served",
      1,
    ],
  ])("%j → %s line %s", (text, key, line, fragment, kept) => {
    const { endpoints, diagnostics } = parseRegistriesConf(text);
    const errors = diagnostics.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThanOrEqual(1);
    expect(errors[0]).toMatchObject({ key });
    if (line !== undefined) expect(errors[0]?.line).toBe(line);
    expect(errors[0]?.message).toContain(fragment);
    expect(endpoints).toHaveLength(kept);
  });

  it("keeps the good entries when one is bad", () => {
    const text =
      "registries:\n- name: Bad\n  api_url: https://bad\n  prefix: bad\n  limit: x\n- name: Good\n  api_url: https://good\n  prefix: good\n";
    expect(parseRegistriesConf(text).endpoints.map((e) => e.name)).toEqual(["Good"]);
  });

  it("warns on plain http with credentials unless insecure", () => {
    const text = (extra: string) =>
      `registries:\n- name: L\n  api_url: http://localhost:5000\n  prefix: localhost:5000\n${extra}`;
    const withCredentials = "  credentials: env:REGISTRY_CREDS\n";
    expect(parseRegistriesConf(text(withCredentials)).diagnostics).toEqual([
      expect.objectContaining({ severity: "warning", line: 3, message: expect.stringContaining("credentials") }),
    ]);
    expect(parseRegistriesConf(text(`${withCredentials}  insecure: yes\n`)).diagnostics).toEqual([]);
  });

  it("says nothing about plain http when there are no credentials to expose", () => {
    const text = "registries:\n- name: L\n  api_url: http://localhost:5000\n  prefix: localhost:5000\n";

    expect(parseRegistriesConf(text).diagnostics).toEqual([]);
  });

  it.each([conf("  password: hunter2\n"), "registries:\n- name: A\n  prefix: a\n  api_url: https://u:hunter2@a\n"])(
    "never echoes a secret: %j",
    (text) => {
      const { diagnostics } = parseRegistriesConf(text);
      expect(diagnostics.length).toBeGreaterThan(0);
      for (const d of diagnostics) expect(d.message).not.toContain("hunter2");
    },
  );
});

describe("parseGoDuration", () => {
  it.each([
    ["0", 0],
    ["10h", 36_000_000],
    ["1h30m", 5_400_000],
    ["500ms", 500],
    ["1.5h", 5_400_000],
    ["2m3s", 123_000],
    ["1500us", 2],
    ["1000000ns", 1],
    ["-5s", -5000],
    [".5s", 500],
    ["", undefined],
    ["10", undefined],
    ["h", undefined],
    ["1d", undefined],
    ["1h 30m", undefined],
  ])("%j → %s", (text, expected) => {
    expect(parseGoDuration(text)).toBe(expected);
  });
});

describe("resolveRegistryEndpoint", () => {
  const { endpoints } = parseRegistriesConf(
    [
      "registries:",
      "- name: GHCR",
      "  prefix: ghcr.io",
      "  api_url: https://ghcr.io",
      "- name: GHCR org",
      "  prefix: ghcr.io/org",
      "  api_url: https://ghcr.io",
      "  credentials: env:ORG",
      "- name: Local",
      "  prefix: localhost:5000",
      "  api_url: http://localhost:5000",
      "  insecure: yes",
      "- name: Hub",
      "  prefix: docker.io",
      "  api_url: https://registry-1.docker.io",
      "  credentials: secret:argocd/hub",
    ].join("\n"),
  );

  it.each([
    ["ghcr.io/other/app", "GHCR"],
    ["ghcr.io/org/app", "GHCR org"],
    ["ghcr.io/org", "GHCR org"],
    ["ghcr.io/organ/app", "GHCR"],
    ["localhost:5000/app", "Local"],
    ["nginx", "Hub"],
    ["docker.io/myorg/app", "Hub"],
  ])("%s → %s", (image, name) => {
    expect(resolveRegistryEndpoint(endpoints, ref(image)).name).toBe(name);
  });

  it("falls back to Docker Hub's built-in entry", () => {
    expect(resolveRegistryEndpoint([], ref("nginx"))).toBe(DOCKER_HUB_ENDPOINT);
    expect(DOCKER_HUB_ENDPOINT).toMatchObject({
      name: "Docker Hub",
      apiUrl: "https://registry-1.docker.io",
      limit: 10,
      defaultNamespace: "library",
    });
  });

  it("sends implicit Docker Hub images to a configured default", () => {
    const { endpoints: withDefault } = parseRegistriesConf(
      "registries:\n- name: Mirror\n  prefix: mirror.example\n  api_url: https://mirror.example\n  default: yes\n",
    );
    expect(resolveRegistryEndpoint(withDefault, ref("myorg/app")).name).toBe("Mirror");
    expect(resolveRegistryEndpoint(withDefault, ref("docker.io/myorg/app")).name).toBe("Mirror");
    expect(resolveRegistryEndpoint(withDefault, ref("quay.io/x")).name).toBe("quay.io");
  });

  it("infers https://<registry> with limit 20 for unknown registries, even on localhost", () => {
    expect(resolveRegistryEndpoint(endpoints, ref("127.0.0.1:5000/app"))).toEqual({
      name: "127.0.0.1:5000",
      prefix: "127.0.0.1:5000",
      apiUrl: "https://127.0.0.1:5000",
      tagSortMode: "none",
      insecure: false,
      limit: INFERRED_REGISTRY_LIMIT,
      isDefault: false,
    });
  });

  it("applies defaultns to single-segment names", () => {
    const endpoint = { ...DOCKER_HUB_ENDPOINT, defaultNamespace: "team" };
    expect(repositoryInRegistry({ registry: "r", repository: "app" }, endpoint)).toBe("team/app");
    expect(repositoryInRegistry({ registry: "r", repository: "a/app" }, endpoint)).toBe("a/app");
  });
});

describe("properties", () => {
  it("never throws and is deterministic", () => {
    const text = fc.oneof(
      fc.string(),
      fc
        .array(
          fc.constantFrom(
            "registries:\n",
            "- name: a\n",
            "  api_url: https://a\n",
            "  prefix: a\n",
            "  limit: x\n",
            "  default: yes\n",
            "  : \n",
            "[",
            "\t",
          ),
          { maxLength: 10 },
        )
        .map((l) => l.join("")),
    );
    fc.assert(
      fc.property(text, (input) => {
        expect(parseRegistriesConf(input)).toEqual(parseRegistriesConf(input));
      }),
      { numRuns: 1000 },
    );
  });
});
