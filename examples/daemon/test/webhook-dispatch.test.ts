import { EventEmitter } from "node:events";
import type { CycleCounters, TypedEmitter, UpdaterEvents, WritebackCommittedEvent } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { createLogger } from "../src/logging/logger.js";
import { createWebhookDispatcher, type WebhookTrigger } from "../src/webhook/dispatch.js";

const COUNTERS: CycleCounters = {
  applications: 1,
  imagesConsidered: 1,
  imagesSkipped: 0,
  imagesUpdated: 0,
  errors: 0,
};

/** An engine stand-in whose checks end when the test says so; it records what each check was asked. */
function controllableEngine() {
  const events = new EventEmitter() as unknown as TypedEmitter<UpdaterEvents>;
  const checks: { images: readonly WebhookTrigger[]; finish: (c?: Partial<CycleCounters>) => void }[] = [];
  return {
    events,
    checks,
    trigger: (images: readonly WebhookTrigger[]) =>
      new Promise<CycleCounters>((resolve) => {
        checks.push({ images, finish: (c = {}) => resolve({ ...COUNTERS, ...c }) });
      }),
    commit(image: string, newTag: string) {
      const event: WritebackCommittedEvent = {
        runId: "r",
        method: "git",
        repoUrl: "https://git.test/repo",
        branch: "main",
        sha: "abc",
        applications: [{ namespace: "argocd", name: "app" }],
        changes: [{ application: { namespace: "argocd", name: "app" }, image, oldTag: "1.0.0", newTag }],
      };
      events.emit("writeback:committed", event);
    },
  };
}

function setup() {
  const engine = controllableEngine();
  const lines: string[] = [];
  const latencies: number[] = [];
  let clock = 1000;
  const dispatcher = createWebhookDispatcher({
    target: engine,
    logger: createLogger({ level: "debug", write: (line) => lines.push(line) }),
    metrics: { delivery: () => {}, latency: (_type, seconds) => latencies.push(seconds) },
    now: () => clock,
  });
  const push = (repository: string, tag: string, at = clock) =>
    dispatcher.dispatch([{ registry: "registry.test", repository, tag }], { type: "distribution", receivedAt: at });
  return {
    engine,
    lines,
    latencies,
    dispatcher,
    push,
    tick: (ms: number) => {
      clock += ms;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("createWebhookDispatcher", () => {
  it("checks the pushed repository with the tag as a hint", () => {
    const { engine, push } = setup();
    push("team/app", "1.2.0");
    expect(engine.checks.map((c) => c.images)).toEqual([[{ image: "registry.test/team/app", tagHint: "1.2.0" }]]);
  });

  it("merges a burst of 50 pushes into the running check and one follow-up", async () => {
    const { engine, push } = setup();
    for (let i = 0; i < 50; i++) push("team/app", `1.${i}.0`);
    expect(engine.checks).toHaveLength(1);
    engine.checks[0]?.finish();
    await settle();
    expect(engine.checks).toHaveLength(2);
    expect(engine.checks[1]?.images).toHaveLength(20);
    engine.checks[1]?.finish();
    await settle();
    expect(engine.checks).toHaveLength(2);
  });

  it("keeps repositories apart: a push for another one starts its own check", () => {
    const { engine, push } = setup();
    push("team/app", "1.0.0");
    push("team/other", "2.0.0");
    expect(engine.checks.map((c) => c.images[0]?.image)).toEqual([
      "registry.test/team/app",
      "registry.test/team/other",
    ]);
  });

  it("times a push from its delivery to the write-back carrying its image, and logs the figure", () => {
    const { engine, push, tick, latencies, lines } = setup();
    push("team/app", "1.2.0");
    tick(420);
    engine.commit("registry.test/team/app", "1.2.0");
    expect(latencies).toEqual([0.42]);
    expect(lines.some((l) => l.includes('msg="Webhook push written back"') && l.includes("latency_ms=420"))).toBe(true);
  });

  it("leaves a push that arrived during the writing check to its follow-up", async () => {
    const { engine, push, tick, latencies } = setup();
    push("team/app", "1.2.0");
    tick(100);
    push("team/app", "1.3.0");
    engine.commit("registry.test/team/app", "1.2.0");
    expect(latencies).toEqual([0.1]);
    engine.checks[0]?.finish();
    await settle();
    tick(200);
    engine.commit("registry.test/team/app", "1.3.0");
    expect(latencies).toEqual([0.1, 0.2]);
  });

  it("says at debug level when no application watches the pushed image", async () => {
    const { engine, push, lines } = setup();
    push("nobody/watches", "1.0.0");
    engine.checks[0]?.finish({ applications: 0 });
    await settle();
    expect(lines.some((l) => l.includes("No application watches the pushed image"))).toBe(true);
  });

  it("survives a check that fails, and checks again on the next push", async () => {
    const { engine, push, lines, dispatcher } = setup();
    const failing = { ...engine, trigger: () => Promise.reject(new Error("registry down")) };
    const broken = createWebhookDispatcher({
      target: failing,
      logger: createLogger({ level: "debug", write: (line) => lines.push(line) }),
    });
    broken.dispatch([{ registry: "registry.test", repository: "team/app", tag: "1" }], {
      type: "harbor",
      receivedAt: 0,
    });
    await broken.idle();
    expect(lines.some((l) => l.includes("Webhook-triggered check failed") && l.includes("registry down"))).toBe(true);
    push("team/app", "2");
    expect(engine.checks).toHaveLength(1);
    dispatcher.close();
  });
});
