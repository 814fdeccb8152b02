import { describe, expect, it } from "vitest";
import { WEBHOOK_PARSERS, type WebhookParseResult, type WebhookRequest, type WebhookType } from "../src/index.js";
import { fixture, post } from "./request.js";

function parse(type: WebhookType, request: WebhookRequest): WebhookParseResult {
  return WEBHOOK_PARSERS[type].parse(request);
}

describe("payloads from the registries' documentation", () => {
  const cases: [string, WebhookType, WebhookRequest, object[]][] = [
    [
      "Docker Hub push",
      "docker.io",
      post(fixture("docker-hub-push.json")),
      [{ registry: "docker.io", repository: "acme/billing", tag: "2.4.1" }],
    ],
    [
      "GHCR package published (owner casing lowered)",
      "ghcr.io",
      post(fixture("ghcr-package-published.json"), { "X-GitHub-Event": "package" }),
      [{ registry: "ghcr.io", repository: "acme-org/billing-api", tag: "v3.2.0" }],
    ],
    [
      "Harbor PUSH_ARTIFACT (registry from resource_url)",
      "harbor",
      post(fixture("harbor-push-artifact.json")),
      [
        {
          registry: "harbor.example.com",
          repository: "payments/gateway",
          tag: "1.9.0",
          digest: "sha256:8c1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e",
        },
      ],
    ],
    [
      "Quay repository push (updated_tags as a list)",
      "quay.io",
      post(fixture("quay-repository-push.json")),
      [
        { registry: "quay.io", repository: "acme/frontend", tag: "5.0.0" },
        { registry: "quay.io", repository: "acme/frontend", tag: "latest" },
      ],
    ],
    [
      "self-hosted Quay (updated_tags as a map, registry from docker_url)",
      "quay.io",
      post(fixture("quay-repository-push-legacy.json")),
      [{ registry: "registry.corp.example:8443", repository: "acme/frontend", tag: "5.0.1" }],
    ],
    [
      "Aliyun ACR push (registry from the region)",
      "aliyun-acr",
      post(fixture("aliyun-acr-push.json")),
      [{ registry: "registry.cn-hangzhou.aliyuncs.com", repository: "shop/orders", tag: "0.7.3" }],
    ],
    [
      "Aliyun ACR enterprise instance (?registry_url=)",
      "aliyun-acr",
      post(fixture("aliyun-acr-push.json"), {}, { registry_url: "acme-registry.cn-hangzhou.cr.aliyuncs.com" }),
      [{ registry: "acme-registry.cn-hangzhou.cr.aliyuncs.com", repository: "shop/orders", tag: "0.7.3" }],
    ],
    [
      "Azure ACR push",
      "acr",
      post(fixture("acr-push.json")),
      [
        {
          registry: "acmeprod.azurecr.io",
          repository: "team/inventory",
          tag: "v12",
          digest: "sha256:5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f",
        },
      ],
    ],
    [
      "ECR as a CloudEvent (EventBridge input transformer)",
      "cloudevents",
      post(fixture("cloudevents-ecr.json"), { "content-type": "application/cloudevents+json; charset=utf-8" }),
      [
        {
          registry: "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
          repository: "platform/api",
          tag: "2026.12.04",
          digest: "sha256:0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
        },
      ],
    ],
    [
      "ECR's own EventBridge event (API destination, no transformer)",
      "cloudevents",
      post(fixture("eventbridge-ecr-image-action.json")),
      [
        {
          registry: "123456789012.dkr.ecr.us-west-2.amazonaws.com",
          repository: "platform/worker",
          tag: "4.1.0",
          digest: "sha256:7f5b2640fe6fb4f46592dfd3410c4a79dac4f89e4782432e0378abcd12345678",
        },
      ],
    ],
    [
      "Distribution envelope: the tagged manifest push only (blob push, pull and mount ignored)",
      "distribution",
      post(fixture("distribution-events.json"), {
        "content-type": "application/vnd.docker.distribution.events.v1+json",
      }),
      [
        {
          registry: "127.0.0.1:5030",
          repository: "demo/notifyapp",
          tag: "3.0.0",
          digest: "sha256:5699a1b2c3d4e5f60718293a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c",
        },
      ],
    ],
  ];
  it.each(cases)("%s", (_name, type, request, events) => {
    expect(parse(type, request)).toEqual({ ok: true, events });
  });
});

describe("names are core's canonical names", () => {
  it("gives Docker Hub official images their library/ prefix", () => {
    const body = JSON.stringify({ push_data: { tag: "1.27" }, repository: { name: "nginx" } });
    expect(parse("docker.io", post(body))).toEqual({
      ok: true,
      events: [{ registry: "docker.io", repository: "library/nginx", tag: "1.27" }],
    });
  });

  it("builds a Docker Hub name from namespace and name when repo_name is missing", () => {
    const body = JSON.stringify({ push_data: { tag: "1" }, repository: { namespace: "acme", name: "api" } });
    expect(parse("docker.io", post(body))).toMatchObject({ events: [{ repository: "acme/api" }] });
  });

  it("drops a tag hint that is no tag instead of passing it on", () => {
    const body = JSON.stringify({ push_data: { tag: "../../etc" }, repository: { repo_name: "acme/api" } });
    expect(parse("docker.io", post(body))).toEqual({
      ok: true,
      events: [{ registry: "docker.io", repository: "acme/api" }],
    });
  });

  it("refuses a repository that is no image name", () => {
    const body = JSON.stringify({ push_data: { tag: "1" }, repository: { repo_name: "Acme/../api" } });
    const result = parse("docker.io", post(body));
    expect(result).toMatchObject({ ok: false, refusal: { code: "MALFORMED", status: 400 } });
  });
});

describe("deliveries that name no push are ignored, with the reason", () => {
  const cases: [string, WebhookType, WebhookRequest, RegExp][] = [
    ["a GitHub ping", "ghcr.io", post("{}", { "X-GitHub-Event": "ping" }), /not a package event/],
    [
      "a GHCR package updated, not published",
      "ghcr.io",
      post(JSON.stringify({ action: "updated", package: {} }), { "X-GitHub-Event": "package" }),
      /not "published"/,
    ],
    [
      "an npm package on GitHub Packages",
      "ghcr.io",
      post(
        JSON.stringify({ action: "published", package: { package_type: "npm", name: "x", owner: { login: "o" } } }),
        {
          "X-GitHub-Event": "package",
        },
      ),
      /not a container/,
    ],
    ["a Harbor pull", "harbor", post(JSON.stringify({ type: "PULL_ARTIFACT", event_data: {} })), /PULL_ARTIFACT/],
    ["an ACR ping", "acr", post(JSON.stringify({ action: "ping" })), /ping is not push/],
    ["an ACR delete", "acr", post(JSON.stringify({ action: "delete", target: { repository: "x" } })), /delete/],
    [
      "an ECR delete",
      "cloudevents",
      post(
        JSON.stringify({
          source: "aws.ecr",
          "detail-type": "ECR Image Action",
          account: "1",
          region: "r",
          detail: { "action-type": "DELETE", result: "SUCCESS" },
        }),
      ),
      /DELETE/,
    ],
    [
      "a CloudEvent about something else",
      "cloudevents",
      post(JSON.stringify({ specversion: "1.0", type: "com.example.invoice.paid", source: "x", id: "1" })),
      /not an image push/,
    ],
    [
      "a Distribution envelope of pulls only",
      "distribution",
      post(
        JSON.stringify({
          events: [{ action: "pull", target: { repository: "a/b", tag: "1" }, request: { host: "r" } }],
        }),
      ),
      /no tagged manifest push/,
    ],
  ];
  it.each(cases)("%s", (_name, type, request, reason) => {
    const result = parse(type, request);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events).toEqual([]);
    expect(result.ignored).toMatch(reason);
  });
});

describe("malformed deliveries are refused with a sentence", () => {
  it.each([
    ["docker.io", "{not json"],
    ["harbor", "[1,2,3]"],
    ["distribution", '{"events": 3}'],
    ["cloudevents", '{"type": "com.amazon.ecr.image.push"}'],
  ] as const)("%s: %s", (type, body) => {
    const result = parse(type, post(body, type === "distribution" ? {} : {}));
    expect(result).toMatchObject({ ok: false, refusal: { code: "MALFORMED", status: 400 } });
    if (!result.ok) expect(result.refusal.message.length).toBeGreaterThan(10);
  });

  it("refuses a body that is not UTF-8", () => {
    const result = parse("docker.io", post(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])));
    expect(result).toMatchObject({ ok: false, refusal: { code: "MALFORMED", message: /not valid JSON/ } });
  });

  it.each(["acr", "cloudevents", "distribution"] as const)("%s refuses a form-encoded body (415)", (type) => {
    const result = parse(type, post("a=b", { "content-type": "application/x-www-form-urlencoded" }));
    expect(result).toMatchObject({ ok: false, refusal: { code: "UNSUPPORTED_MEDIA_TYPE", status: 415 } });
  });
});
