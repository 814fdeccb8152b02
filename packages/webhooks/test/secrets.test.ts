import { describe, expect, it } from "vitest";
import { createWebhookReceiver, type WebhookRequest, type WebhookType } from "../src/index.js";
import { fixture, hubSignature, post } from "./request.js";

const SECRET = "s3cret-Value_42";

/** For each type: the documented payload carrying the right secret, carrying a wrong one, and carrying none. */
const senders: Record<WebhookType, (secret: string | undefined) => WebhookRequest> = {
  "docker.io": (secret) => post(fixture("docker-hub-push.json"), {}, secret === undefined ? {} : { secret }),
  "quay.io": (secret) => post(fixture("quay-repository-push.json"), {}, secret === undefined ? {} : { secret }),
  "aliyun-acr": (secret) => post(fixture("aliyun-acr-push.json"), {}, secret === undefined ? {} : { secret }),
  "ghcr.io": (secret) => {
    const body = fixture("ghcr-package-published.json");
    return post(body, {
      "X-GitHub-Event": "package",
      ...(secret === undefined ? {} : { "X-Hub-Signature-256": hubSignature(body, secret) }),
    });
  },
  harbor: (secret) => post(fixture("harbor-push-artifact.json"), secret === undefined ? {} : { Authorization: secret }),
  acr: (secret) => post(fixture("acr-push.json"), secret === undefined ? {} : { Authorization: secret }),
  cloudevents: (secret) =>
    post(fixture("cloudevents-ecr.json"), secret === undefined ? {} : { "X-Webhook-Secret": secret }),
  distribution: (secret) =>
    post(
      fixture("distribution-events.json"),
      {
        "content-type": "application/vnd.docker.distribution.events.v1+json",
        ...(secret === undefined ? {} : { Authorization: `Bearer ${secret}` }),
      },
      {},
    ),
};

function receive(type: WebhookType, request: WebhookRequest, requireSecret = true) {
  const receiver = createWebhookReceiver({ secrets: { [type]: SECRET }, requireSecret });
  return receiver.receive({ ...request, query: { ...request.query, type } });
}

describe.each(Object.keys(senders) as WebhookType[])("%s secret check", (type) => {
  const send = senders[type];

  it("accepts the right secret", () => {
    const result = receive(type, send(SECRET));
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.events.length).toBeGreaterThan(0);
  });

  it("refuses a wrong secret with 403", () => {
    const result = receive(type, send("s3cret-Value_43"));
    expect(result).toMatchObject({ ok: false, refusal: { code: "SECRET_INVALID", status: 403 } });
  });

  it("refuses a missing secret with 401, saying where to put it", () => {
    const result = receive(type, send(undefined));
    expect(result).toMatchObject({ ok: false, refusal: { code: "SECRET_MISSING", status: 401 } });
    if (!result.ok) expect(result.refusal.message).toMatch(/send it in/);
  });

  it("never echoes the secret in a refusal", () => {
    const result = receive(type, send("almost-s3cret-Value_42"));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.message).not.toContain("s3cret");
  });
});

describe("secret forms", () => {
  it("GHCR: a signature over another body is refused", () => {
    const body = fixture("ghcr-package-published.json");
    const forged = Buffer.from(body.toString("utf8").replace("v3.2.0", "v9.9.9"));
    const request = post(forged, { "X-GitHub-Event": "package", "X-Hub-Signature-256": hubSignature(body, SECRET) });
    expect(receive("ghcr.io", request)).toMatchObject({ ok: false, refusal: { code: "SECRET_INVALID" } });
  });

  it("GHCR: the secret itself in place of the signature is refused", () => {
    const request = post(fixture("ghcr-package-published.json"), {
      "X-GitHub-Event": "package",
      "X-Hub-Signature-256": `sha256=${SECRET}`,
    });
    expect(receive("ghcr.io", request)).toMatchObject({ ok: false, refusal: { code: "SECRET_INVALID" } });
  });

  it("GHCR: the signature is checked before the event type, so an unsigned ping is refused", () => {
    expect(receive("ghcr.io", post("{}", { "X-GitHub-Event": "ping" }))).toMatchObject({
      ok: false,
      refusal: { code: "SECRET_MISSING" },
    });
  });

  it("distribution: the Authorization header works without Bearer too", () => {
    const request = post(fixture("distribution-events.json"), {
      "content-type": "application/vnd.docker.distribution.events.v1+json",
      Authorization: SECRET,
    });
    expect(receive("distribution", request).ok).toBe(true);
  });

  it("cloudevents: ?secret= works as well as X-Webhook-Secret", () => {
    const request = post(fixture("cloudevents-ecr.json"), {}, { secret: SECRET });
    expect(receive("cloudevents", request).ok).toBe(true);
  });

  it("a secret sent in the wrong place does not count (Docker Hub reads ?secret= only)", () => {
    const request = post(fixture("docker-hub-push.json"), { Authorization: SECRET });
    expect(receive("docker.io", request)).toMatchObject({ ok: false, refusal: { code: "SECRET_MISSING" } });
  });
});

describe("require-secret", () => {
  it("refuses a type with no secret configured by default (403), saying how to configure one", () => {
    const receiver = createWebhookReceiver({ secrets: { harbor: SECRET } });
    const result = receiver.receive({ ...post(fixture("docker-hub-push.json")), query: { type: "docker.io" } });
    expect(result).toMatchObject({ ok: false, refusal: { code: "NOT_CONFIGURED", status: 403 } });
  });

  it("accepts unauthenticated deliveries only when turned off", () => {
    const receiver = createWebhookReceiver({ secrets: {}, requireSecret: false });
    const result = receiver.receive({ ...post(fixture("docker-hub-push.json")), query: { type: "docker.io" } });
    expect(result).toMatchObject({ ok: true, events: [{ repository: "acme/billing" }] });
  });

  it("still checks a configured secret when require-secret is off", () => {
    const result = receive("harbor", senders.harbor("wrong"), false);
    expect(result).toMatchObject({ ok: false, refusal: { code: "SECRET_INVALID" } });
  });
});

describe("type selection", () => {
  const receiver = createWebhookReceiver({ secrets: { distribution: SECRET } });
  const envelope = () =>
    post(fixture("distribution-events.json"), {
      "content-type": "application/vnd.docker.distribution.events.v1+json",
      Authorization: `Bearer ${SECRET}`,
    });

  it("reads the type from the X-Registry-Type header", () => {
    const request = envelope();
    const result = receiver.receive({ ...request, headers: { ...request.headers, "x-registry-type": "distribution" } });
    expect(result).toMatchObject({ ok: true, type: "distribution" });
  });

  it("reads gitlab as distribution (GitLab's registry sends the same envelope)", () => {
    expect(receiver.receive({ ...envelope(), query: { type: "gitlab" } })).toMatchObject({
      ok: true,
      type: "distribution",
    });
  });

  it("refuses an unknown type, listing the known ones", () => {
    const result = receiver.receive({ ...envelope(), query: { type: "nexus" } });
    expect(result).toMatchObject({ ok: false, refusal: { code: "UNKNOWN_TYPE", status: 400 } });
    if (!result.ok) expect(result.refusal.message).toMatch(/"nexus".*docker\.io, ghcr\.io/);
  });

  it("refuses a request naming no type", () => {
    expect(receiver.receive(envelope())).toMatchObject({ ok: false, refusal: { code: "UNKNOWN_TYPE" } });
  });

  it("refuses GET", () => {
    expect(receiver.receive({ ...envelope(), method: "GET", query: { type: "distribution" } })).toMatchObject({
      ok: false,
      refusal: { code: "METHOD_NOT_ALLOWED", status: 405 },
    });
  });
});
