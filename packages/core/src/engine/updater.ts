/**
 * The `Updater`: the whole loop. It polls on an interval, checks a changed application as soon as the
 * source's watch reports it, takes triggers for images (the hook for registry webhooks), never overlaps
 * cycles, aborts in-flight work on stop, and reports every step through typed events.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter, setMaxListeners } from "node:events";
import { ImageUpdaterError } from "../errors.js";
import type { ApplicationEvent, ApplicationRef } from "../source/types.js";
import { runCycle } from "./cycle.js";
import type { CycleStartedEvent, TypedEmitter, UpdaterEvents } from "./events.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import type { CycleResult, ImageTrigger, RunOptions, UpdaterOptions } from "./types.js";

/** The follow-up cycle that triggers and watch changes join until it starts. */
interface FollowUp {
  readonly images: ImageTrigger[];
  readonly applications: ApplicationRef[];
  trigger: CycleStartedEvent["trigger"];
  readonly result: Promise<CycleResult>;
}

/** The engine. Create it with {@link createUpdater}. */
export class Updater extends (EventEmitter as new () => TypedEmitter<UpdaterEvents>) {
  readonly #options: UpdaterOptions;
  /** Aborted by {@link dispose}: no cycle runs after it. */
  readonly #lifetime = new AbortController();
  readonly #resolved: ResolvedOptions;
  /** Aborts the cycles of the current start/stop period; replaced on each {@link stop}. */
  #period = new AbortController();
  #queue: Promise<unknown> = Promise.resolve();
  #followUp: FollowUp | undefined;
  #deferred = new Set<string>();
  #timer: NodeJS.Timeout | undefined;
  #watch: AbortController | undefined;
  #running = false;
  #disposed: Promise<void> | undefined;
  #cycles = 0;

  constructor(options: UpdaterOptions) {
    super();
    this.#options = options;
    // Every in-flight request of every cycle listens on these signals; dozens at once is expected.
    setMaxListeners(0, this.#lifetime.signal);
    setMaxListeners(0, this.#period.signal);
    this.#resolved = resolveOptions(options, this.#lifetime.signal, (event) => this.emit("registry:request", event));
  }

  /** True between {@link start} and {@link stop}. */
  get running(): boolean {
    return this.#running;
  }

  /** Cycles completed so far. */
  get cycles(): number {
    return this.#cycles;
  }

  /**
   * Runs one cycle now, after any cycle in progress (cycles never overlap). Resolves with its result; never
   * rejects because of an application, a registry or a git remote. Aborting `options.signal`, {@link stop}
   * or {@link dispose} aborts its registry and git work: no new request starts and the cycle ends promptly.
   */
  runOnce(options: RunOptions = {}): Promise<CycleResult> {
    const scoped = options.image !== undefined || options.images !== undefined || options.applications !== undefined;
    return this.#enqueue(scoped ? "image" : "manual", options);
  }

  /**
   * Checks the applications watching an image now: the hook for registry webhooks. Triggers that arrive
   * while a cycle runs join one follow-up cycle for the union of their images; every caller of that cycle
   * gets its result. Accepts `registry/repository` (any tag) or an {@link ImageTrigger} with a tag hint.
   */
  trigger(image: string | ImageTrigger | readonly (string | ImageTrigger)[]): Promise<CycleResult> {
    const list = typeof image === "string" || !Array.isArray(image) ? [image as string | ImageTrigger] : image;
    const follow = this.#join("image");
    for (const entry of list) follow.images.push(typeof entry === "string" ? { image: entry } : entry);
    return follow.result;
  }

  /**
   * Starts the loop: a cycle now, then one `intervalMs` after each cycle ends; with a source that can watch,
   * a changed application is checked at once (coalesced like {@link trigger}). Idempotent.
   */
  start(): void {
    if (this.#running || this.#lifetime.signal.aborted) return;
    this.#running = true;
    const tick = () => {
      this.#timer = undefined;
      if (!this.#running) return;
      void this.#enqueue("interval", {}).finally(() => {
        if (this.#running) this.#timer = setTimeout(tick, this.#resolved.intervalMs);
      });
    };
    tick();
    this.#follow();
  }

  /**
   * Stops the loop and aborts the cycle in progress (and any queued one); resolves once it has ended. The
   * updater can be started again.
   */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#watch?.abort();
    this.#watch = undefined;
    this.#period.abort(new Error("the updater was stopped"));
    await this.#queue.catch(() => undefined);
    this.#period = new AbortController();
    setMaxListeners(0, this.#period.signal);
  }

  /** Stops, aborts in-flight work and releases every adapter (registry caches are saved to disk). Idempotent. */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      this.#lifetime.abort(new Error("the updater was disposed"));
      await this.stop();
      const results = await Promise.allSettled([
        ...this.#resolved.policyClients().map((client) => client.dispose?.()),
        this.#options.git?.dispose?.(),
      ]);
      const failed = results.find((result) => result.status === "rejected");
      if (failed?.status === "rejected") throw failed.reason;
    })();
    return this.#disposed;
  }

  /** The pending follow-up cycle, created and queued when none is waiting. */
  #join(trigger: CycleStartedEvent["trigger"]): FollowUp {
    if (this.#followUp !== undefined) {
      if (trigger === "image") this.#followUp.trigger = "image";
      return this.#followUp;
    }
    const images: ImageTrigger[] = [];
    const applications: ApplicationRef[] = [];
    const follow: FollowUp = {
      images,
      applications,
      trigger,
      result: this.#enqueue(trigger, {}, () => {
        // From here on, new triggers wait for the next follow-up.
        this.#followUp = undefined;
        return { trigger: follow.trigger, run: { images: [...images], applications: [...applications] } };
      }),
    };
    this.#followUp = follow;
    return follow;
  }

  /** Follows the source's watch until {@link stop}: a changed application joins the follow-up cycle. */
  #follow(): void {
    const watch = this.#resolved.source.watch;
    if (watch === undefined) return;
    const controller = new AbortController();
    this.#watch = controller;
    const signal = AbortSignal.any([controller.signal, this.#lifetime.signal]);
    void (async () => {
      try {
        for await (const change of watch.call(this.#resolved.source, { signal })) {
          if (signal.aborted) break;
          this.#changed(change);
        }
      } catch (error) {
        if (!signal.aborted) this.emit("source:watch-failed", { error: asError(error) });
      }
    })();
  }

  #changed(change: ApplicationEvent): void {
    const { namespace, name } = change.type === "upsert" ? change.application : change.ref;
    // A deleted application has nothing to check; its absence is seen by the next cycle.
    const checking = change.type === "upsert";
    this.emit("application:changed", { application: { namespace, name }, change: change.type, checking });
    if (checking) this.#join("watch").applications.push({ namespace, name });
  }

  /**
   * Queues a cycle after the ones before it. `late` fixes its trigger and scope when it starts, so that
   * callers can join it until then.
   */
  #enqueue(
    trigger: CycleStartedEvent["trigger"],
    run: RunOptions,
    late?: () => { trigger: CycleStartedEvent["trigger"]; run: RunOptions },
  ): Promise<CycleResult> {
    const next = this.#queue.then(async () => {
      const fixed = late?.() ?? { trigger, run };
      const signals = [this.#lifetime.signal, this.#period.signal, run.signal].filter(
        (signal): signal is AbortSignal => signal !== undefined,
      );
      const signal = AbortSignal.any(signals);
      setMaxListeners(0, signal);
      const runId = randomUUID();
      // Stopped before it began: nothing to report, nothing to abort.
      if (signal.aborted) return skippedCycle(runId);
      const first = this.#deferred;
      const result = await runCycle(
        { options: { ...this.#resolved, signal }, emitter: this, runId, trigger: fixed.trigger, first },
        fixed.run,
      );
      const key = (ref: ApplicationRef) => `${ref.namespace}/${ref.name}`;
      // Deferred applications stay first in line until a cycle checks them.
      const deferred = new Set(result.deferred.map(key));
      const checked = new Set(result.results.map((r) => key(r.application)).filter((name) => !deferred.has(name)));
      this.#deferred = new Set([...[...first].filter((name) => !checked.has(name)), ...deferred]);
      this.#cycles++;
      return result;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

function asError(error: unknown): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  return new ImageUpdaterError("SOURCE_UNAVAILABLE", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

function skippedCycle(runId: string): CycleResult {
  return {
    runId,
    startedAt: new Date(),
    durationMs: 0,
    applications: 0,
    imagesConsidered: 0,
    imagesSkipped: 0,
    imagesUpdated: 0,
    errors: 0,
    results: [],
    commits: [],
    deferred: [],
  };
}

/** Creates the engine. Throws `CONFIG_INVALID` for options no cycle could run with. */
export function createUpdater(options: UpdaterOptions): Updater {
  return new Updater(options);
}
