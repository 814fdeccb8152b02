import type { SecretResolver } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { followWebhookSecret, WEBHOOK_SECRET_NAME } from "../src/kubernetes/webhook-secret-feed.js";

/** A resolver answering from a list of scripted reads: Secret data, `null` (no Secret) or an error. */
function scripted(reads: (Record<string, string> | null | Error)[]) {
  const asked: string[] = [];
  const resolver: SecretResolver = {
    async getSecret(namespace, name) {
      asked.push(`${namespace}/${name}`);
      const next = reads.length > 1 ? reads.shift() : reads[0];
      if (next instanceof Error) throw next;
      return next ?? null;
    },
  };
  return { resolver, asked };
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("followWebhookSecret", () => {
  it("reads the Secret before resolving, then again each interval; a missing Secret means no secrets", async () => {
    const { resolver, asked } = scripted([{ "webhook.ghcr-secret": "one" }, { "webhook.ghcr-secret": "two" }, null]);
    const changes: string[][] = [];
    const feed = await followWebhookSecret({
      secrets: resolver,
      namespace: "argocd",
      intervalMs: 20,
      onChange: (types) => changes.push([...types]),
    });
    expect(feed.current()).toEqual({ "ghcr.io": "one" });
    await settle(120);
    feed.stop();
    expect(feed.current()).toEqual({});
    // The first read is the starting point, not a change.
    expect(changes).toEqual([["ghcr.io"], ["ghcr.io"]]);
    expect(asked[0]).toBe(`argocd/${WEBHOOK_SECRET_NAME}`);
    const reads = asked.length;
    await settle(60);
    expect(asked.length).toBe(reads);
  });

  it("keeps the last secrets when a read fails, and warns once per run of failures without the value", async () => {
    const failure = new Error("[kubernetes] get secrets: 403 Forbidden");
    const { resolver } = scripted([{ "webhook.distribution-secret": "kept" }, failure, failure, failure]);
    const warnings: string[] = [];
    const feed = await followWebhookSecret({
      secrets: resolver,
      namespace: "argocd",
      intervalMs: 10,
      onWarning: (message) => warnings.push(message),
    });
    await settle(80);
    feed.stop();
    expect(feed.current()).toEqual({ distribution: "kept" });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(`argocd/${WEBHOOK_SECRET_NAME}`);
    expect(warnings[0]).not.toContain("kept");
  });
});
