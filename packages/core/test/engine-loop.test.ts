import { afterEach, describe, expect, it } from "vitest";
import {
  type Application,
  type ApplicationEvent,
  type ApplicationSource,
  type CycleResult,
  createUpdater,
  type ImageRepository,
  type RegistryClient,
  RegistryError,
  type RegistryRequestEvent,
  type Updater,
} from "../src/index.js";

const PREFIX = "argocd-image-updater.argoproj.io";

function app(name: string, image: string, running: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: { [`${PREFIX}/image-list`]: `app=${image}` },
    spec: { source: { repoURL: "https://git.example/repo.git", path: name, kustomize: {} } },
    status: { summary: { images: [`${image}:${running}`] } },
  };
}

/**
 * A registry double with no I/O: answers tag lists from a table, records each call, and can hold a call
 * until its signal aborts (a registry that never answers). `httpRequests` makes each call report that many
 * HTTP requests, as a network client would.
 */
function scriptedRegistry(
  tags: Record<string, readonly string[]>,
  script: { hang?: boolean; httpRequests?: number } = {},
) {
  const calls: string[] = [];
  let disposed = 0;
  const client: RegistryClient = {
    id: "scripted",
    capabilities: { createdAt: false, platforms: false, labels: false },
    async listTags(repo: ImageRepository, options) {
      calls.push(`${repo.registry}/${repo.repository}`);
      for (let i = 0; i < (script.httpRequests ?? 0); i++) {
        await options?.pace?.(options.signal);
        options?.onHttpRequest?.({
          registry: repo.registry,
          method: "GET",
          kind: i === 0 ? "token" : "tags",
          status: 200,
          durationMs: 1,
        });
      }
      if (script.hang) {
        await new Promise<never>((_resolve, reject) => {
          const fail = () => reject(new RegistryError("ABORTED", "aborted", { registry: repo.registry }));
          if (options?.signal?.aborted) fail();
          options?.signal?.addEventListener("abort", fail, { once: true });
        });
      }
      const found = tags[`${repo.registry}/${repo.repository}`];
      if (found === undefined)
        throw new RegistryError("REGISTRY_NOT_FOUND", "no such repository", { registry: repo.registry });
      return found;
    },
    async getDigest() {
      return null;
    },
    async getMetadata() {
      return null;
    },
    async dispose() {
      disposed++;
    },
  };
  return { client, calls, disposed: () => disposed };
}

/** An application source double whose watch yields what the test pushes, until its signal aborts. */
function watchedSource(applications: Application[]) {
  const listeners = new Set<(event: ApplicationEvent) => void>();
  let watching = 0;
  const source: ApplicationSource = {
    id: "watched",
    list: async () => applications,
    async *watch(options) {
      watching++;
      const queue: ApplicationEvent[] = [];
      let wake: (() => void) | undefined;
      const listener = (event: ApplicationEvent) => {
        queue.push(event);
        wake?.();
      };
      listeners.add(listener);
      options?.signal?.addEventListener("abort", () => wake?.(), { once: true });
      try {
        while (!options?.signal?.aborted) {
          const next = queue.shift();
          if (next !== undefined) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
        }
      } finally {
        listeners.delete(listener);
      }
    },
  };
  return {
    source,
    change: (application: Application) => {
      for (const listener of listeners) listener({ type: "upsert", application });
    },
    watching: () => watching,
    listeners: () => listeners.size,
  };
}

/** Resolves with the next `cycle:finished`'s run, as the cycle's result. */
function nextCycle(updater: Updater): Promise<{ applications: number; trigger: string }> {
  return new Promise((resolve) => {
    let trigger = "";
    const started = (e: { trigger: string }) => {
      trigger = e.trigger;
    };
    updater.on("cycle:started", started);
    updater.once("cycle:finished", (e) => {
      updater.off("cycle:started", started);
      resolve({ applications: e.applications, trigger });
    });
  });
}

const updaters: Updater[] = [];
afterEach(async () => {
  await Promise.all(updaters.splice(0).map((u) => u.dispose()));
});
function track(updater: Updater): Updater {
  updaters.push(updater);
  return updater;
}

const A = "registry.test/org/a";
const B = "registry.test/org/b";
const C = "registry.test/org/c";

describe("Updater.start()", () => {
  it("checks a changed application at once, without waiting for the interval", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"], [B]: ["1.0.0"] });
    const watched = watchedSource([app("a", A, "1.0.0"), app("b", B, "1.0.0")]);
    const updater = track(
      createUpdater({ source: watched.source, registry: registry.client, dryRun: true, intervalMs: 3_600_000 }),
    );

    const first = nextCycle(updater);
    updater.start();
    expect(await first).toEqual({ applications: 2, trigger: "interval" });
    while (watched.listeners() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    registry.calls.length = 0;
    const changed: string[] = [];
    updater.on("application:changed", (e) => changed.push(`${e.change} ${e.application.name} ${e.checking}`));
    const second = nextCycle(updater);
    watched.change(app("b", B, "1.0.0"));

    expect(await second).toEqual({ applications: 1, trigger: "watch" });
    expect(registry.calls).toEqual([B]);
    expect(changed).toEqual(["upsert b true"]);
  });

  it("stops following the watch on stop()", async () => {
    const watched = watchedSource([]);
    const updater = track(createUpdater({ source: watched.source, registry: scriptedRegistry({}).client }));

    updater.start();
    while (watched.listeners() === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await updater.stop();
    await new Promise((resolve) => setTimeout(resolve, 10));

    expect(updater.running).toBe(false);
    expect(watched.listeners()).toBe(0);
  });
});

describe("Updater.trigger()", () => {
  it("joins triggers that arrive while a cycle runs into one follow-up cycle for the union of their images", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"], [B]: ["1.0.0"], [C]: ["1.0.0"] });
    const source: ApplicationSource = {
      id: "static",
      list: async () => [app("a", A, "1.0.0"), app("b", B, "1.0.0"), app("c", C, "1.0.0")],
    };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true }));
    const cycles: number[] = [];
    updater.on("cycle:finished", (e) => cycles.push(e.applications));

    const running = updater.runOnce();
    const first = updater.trigger(A);
    const second = updater.trigger({ image: `${B}:2.0.0`, tagHint: "2.0.0" });
    const [, one, two] = await Promise.all([running, first, second]);

    expect(one).toBe(two);
    expect(cycles).toEqual([3, 2]);
    expect(one.results.map((r) => r.application.name).sort()).toEqual(["a", "b"]);
  });

  it("accepts a list of images and reports nothing for an image no application watches", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"] });
    const source: ApplicationSource = { id: "static", list: async () => [app("a", A, "1.0.0")] };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true }));

    const none = await updater.trigger(["registry.test/org/unknown"]);
    const some = await updater.trigger([{ image: A }, "registry.test/org/unknown"]);

    expect(none.applications).toBe(0);
    expect(some.applications).toBe(1);
    expect(registry.calls).toEqual([A]);
  });
});

describe("aborting a cycle", () => {
  it("ends runOnce promptly when its signal aborts, with a registry that never answers, and starts no new request", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"], [B]: ["1.0.0"] }, { hang: true });
    const source: ApplicationSource = { id: "static", list: async () => [app("a", A, "1.0.0"), app("b", B, "1.0.0")] };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true, maxConcurrency: 1 }));
    const controller = new AbortController();

    const pending = updater.runOnce({ signal: controller.signal });
    while (registry.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort();
    const result = await pending;

    expect(registry.calls).toEqual([A]);
    expect(result.results.flatMap((r) => r.images.map((i) => i.outcome))).toEqual(["error"]);
    expect(result.imagesUpdated).toBe(0);
  });

  it("stop() aborts the cycle in flight, and the updater can start again", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"] }, { hang: true });
    const source: ApplicationSource = { id: "static", list: async () => [app("a", A, "1.0.0")] };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true }));

    updater.start();
    while (registry.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await updater.stop();
    const cycles = updater.cycles;
    updater.start();
    while (registry.calls.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await updater.stop();

    expect(cycles).toBe(1);
    expect(updater.cycles).toBe(2);
  });

  it("dispose() aborts, releases the registry client once, and runs nothing afterwards", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"] }, { hang: true });
    const source: ApplicationSource = { id: "static", list: async () => [app("a", A, "1.0.0")] };
    const updater = createUpdater({ source, registry: registry.client, dryRun: true });

    const pending = updater.runOnce();
    while (registry.calls.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await Promise.all([updater.dispose(), updater.dispose()]);
    const after: CycleResult = await updater.runOnce();

    expect((await pending).errors).toBe(1);
    expect(registry.disposed()).toBe(1);
    expect(after.applications).toBe(0);
    expect(registry.calls).toHaveLength(1);
  });
});

describe("the cycle budget", () => {
  it("defers applications left when the budget runs out, says so, and checks them first next cycle", async () => {
    const hang = scriptedRegistry({ [A]: ["1.0.0"] }, { hang: true });
    const quick = scriptedRegistry({ [B]: ["1.0.0"], [C]: ["1.0.0"] });
    const source: ApplicationSource = {
      id: "static",
      list: async () => [app("a", A, "1.0.0"), app("b", B, "1.0.0"), app("c", C, "1.0.0")],
    };
    let slow = true;
    const updater = track(
      createUpdater({
        source,
        registry: () => (slow ? hang.client : quick.client),
        dryRun: true,
        maxConcurrency: 1,
        cycleBudgetMs: 100,
      }),
    );
    const deferred: string[][] = [];
    updater.on("cycle:deferred", (e) => deferred.push(e.applications.map((a) => a.name)));

    const first = await updater.runOnce();
    slow = false;
    const order: string[] = [];
    updater.on("application:checking", (e) => order.push(e.application.name));
    const second = await updater.runOnce();

    expect(deferred).toEqual([["a", "b", "c"]]);
    expect(first.deferred.map((a) => a.name)).toEqual(["a", "b", "c"]);
    expect(first.errors).toBe(0);
    expect(second.deferred).toEqual([]);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("rejects a negative budget, naming the option", () => {
    const source: ApplicationSource = { id: "static", list: async () => [] };
    expect(() => createUpdater({ source, registry: scriptedRegistry({}).client, cycleBudgetMs: -1 })).toThrow(
      /cycleBudgetMs must be 0/,
    );
  });
});

describe("registry:request", () => {
  it("is emitted once per HTTP request a client reports, and once per call answered from the cycle's cache", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"] }, { httpRequests: 2 });
    const source: ApplicationSource = {
      id: "static",
      list: async () => [app("a1", A, "1.0.0"), app("a2", A, "1.0.0")],
    };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true, maxConcurrency: 1 }));
    const events: RegistryRequestEvent[] = [];
    updater.on("registry:request", (e) => events.push(e));

    await updater.runOnce();

    expect(registry.calls).toEqual([A]);
    expect(events.map((e) => [e.method, e.kind ?? null, e.outcome])).toEqual([
      ["listTags", "token", "ok"],
      ["listTags", "tags", "ok"],
      ["listTags", null, "cached"],
    ]);
  });

  it("counts a call of a client that reports no HTTP request as one request", async () => {
    const registry = scriptedRegistry({ [A]: ["1.0.0"] });
    const source: ApplicationSource = { id: "static", list: async () => [app("a", A, "1.0.0"), app("b", B, "1.0.0")] };
    const updater = track(createUpdater({ source, registry: registry.client, dryRun: true }));
    const events: RegistryRequestEvent[] = [];
    updater.on("registry:request", (e) => events.push(e));

    await updater.runOnce();

    expect(events.map((e) => e.outcome).sort()).toEqual(["not-found", "ok"]);
  });
});
