import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import {
  createWebhookHandler,
  type RegistryPushEvent,
  type WebhookHandlerOptions,
  type WebhookOutcome,
} from "../src/index.js";
import { fixture } from "./request.js";

const SECRET = "hub-secret";
let server: Server | undefined;

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

async function serve(options: Partial<WebhookHandlerOptions> = {}) {
  const pushes: RegistryPushEvent[] = [];
  const outcomes: WebhookOutcome[] = [];
  const handler = createWebhookHandler({
    secrets: { "docker.io": SECRET },
    onEvents: (events) => pushes.push(...events),
    onOutcome: (outcome) => outcomes.push(outcome),
    ...options,
  });
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const send = (body: RequestInit["body"], query = `type=docker.io&secret=${SECRET}`, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${port}/webhook?${query}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      ...init,
    });
  return { pushes, outcomes, send };
}

describe("createWebhookHandler on a real HTTP server", () => {
  it("answers 200 and passes the pushes on", async () => {
    const { pushes, outcomes, send } = await serve();
    const response = await send(fixture("docker-hub-push.json"));
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("Webhook received and processing\n");
    expect(pushes).toEqual([{ registry: "docker.io", repository: "acme/billing", tag: "2.4.1" }]);
    expect(outcomes[0]).toMatchObject({ kind: "accepted", type: "docker.io" });
  });

  it("answers 403 for a wrong secret and passes nothing on", async () => {
    const { pushes, send } = await serve();
    const response = await send(fixture("docker-hub-push.json"), "type=docker.io&secret=nope");
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain(SECRET);
    expect(pushes).toEqual([]);
  });

  it("answers 413 for a body over the limit, declared or streamed", async () => {
    const { pushes, outcomes, send } = await serve({ maxBodyBytes: 1024 });
    const big = `{"pad":"${"x".repeat(4096)}"}`;
    expect((await send(big)).status).toBe(413);
    // A chunked body has no Content-Length: the limit is counted while reading.
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 8; i++) controller.enqueue(new TextEncoder().encode("x".repeat(512)));
        controller.close();
      },
    });
    const chunked = await send(stream, undefined, { duplex: "half" } as RequestInit);
    expect(chunked.status).toBe(413);
    expect(pushes).toEqual([]);
    expect(outcomes.map((o) => o.kind === "refused" && o.refusal.code)).toEqual([
      "PAYLOAD_TOO_LARGE",
      "PAYLOAD_TOO_LARGE",
    ]);
  });

  it("keeps the 1 MiB default limit", async () => {
    const { send } = await serve();
    const justOver = `{"pad":"${"x".repeat(1024 * 1024)}"}`;
    expect((await send(justOver)).status).toBe(413);
  });

  it("answers 400 for malformed JSON and for an unknown type", async () => {
    const { send } = await serve();
    const malformed = await send("{", `type=docker.io&secret=${SECRET}`);
    expect(malformed.status).toBe(400);
    expect(await malformed.text()).toMatch(/not valid JSON/);
    const unknown = await send("{}", "type=nexus");
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toMatch(/unknown registry type "nexus"/);
  });

  it("answers 405 with Allow: POST for GET", async () => {
    const { send } = await serve();
    const response = await send(null, "type=docker.io", { method: "GET", body: null });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("answers 429 with Retry-After past the hourly budget, at once", async () => {
    const { pushes, send } = await serve({ rateLimitPerHour: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(fixture("docker-hub-push.json"))).status);
    expect(statuses).toEqual([200, 200, 429, 429]);
    const limited = await send(fixture("docker-hub-push.json"));
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(pushes).toHaveLength(2);
  });

  it("answers 200 even when the consumer throws", async () => {
    const { send } = await serve({
      onEvents: () => {
        throw new Error("consumer failed");
      },
    });
    expect((await send(fixture("docker-hub-push.json"))).status).toBe(200);
  });
});
