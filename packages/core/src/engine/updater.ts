/**
 * The `Updater`: runs cycles on an interval without overlapping them, on demand, or for one image (the hook
 * for registry webhooks), and reports every step through typed events.
 */
import { randomUUID } from "node:crypto";
import { EventEmitter, setMaxListeners } from "node:events";
import { runCycle } from "./cycle.js";
import type { CycleStartedEvent, TypedEmitter, UpdaterEvents } from "./events.js";
import { type ResolvedOptions, resolveOptions } from "./options.js";
import type { CycleResult, RunOptions, UpdaterOptions } from "./types.js";

/** The engine. Create it with {@link createUpdater}. */
export class Updater extends (EventEmitter as new () => TypedEmitter<UpdaterEvents>) {
  readonly #options: UpdaterOptions;
  readonly #abort = new AbortController();
  readonly #resolved: ResolvedOptions;
  #queue: Promise<unknown> = Promise.resolve();
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  #cycles = 0;

  constructor(options: UpdaterOptions) {
    super();
    this.#options = options;
    // Every in-flight request of every cycle listens on this one signal; dozens at once is expected.
    setMaxListeners(0, this.#abort.signal);
    this.#resolved = resolveOptions(options, this.#abort.signal);
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
   * rejects because of an application, a registry or a git remote.
   */
  runOnce(options: RunOptions = {}): Promise<CycleResult> {
    return this.#enqueue(options.image === undefined ? "manual" : "image", options);
  }

  /** Runs the applications that watch `image` (`registry/repository`, any tag): the hook for registry webhooks. */
  trigger(image: string): Promise<CycleResult> {
    return this.runOnce({ image });
  }

  /** Starts polling: a cycle now, then one `intervalMs` after each cycle ends. Idempotent. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    const tick = () => {
      this.#timer = undefined;
      if (!this.#running) return;
      void this.#enqueue("interval", {}).finally(() => {
        if (this.#running) this.#timer = setTimeout(tick, this.#resolved.intervalMs);
      });
    };
    tick();
  }

  /** Stops polling and waits for the cycle in progress. In-flight requests are aborted only by {@link dispose}. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#queue.catch(() => undefined);
  }

  /** Stops, aborts in-flight work and releases the adapters' resources. */
  async dispose(): Promise<void> {
    this.#abort.abort();
    await this.stop();
    await this.#options.git?.dispose?.();
  }

  #enqueue(trigger: CycleStartedEvent["trigger"], options: RunOptions): Promise<CycleResult> {
    const next = this.#queue.then(async () => {
      const result = await runCycle({ options: this.#resolved, emitter: this, runId: randomUUID(), trigger }, options);
      this.#cycles++;
      return result;
    });
    this.#queue = next.catch(() => undefined);
    return next;
  }
}

/** Creates the engine. Throws `CONFIG_INVALID` for options no cycle could run with. */
export function createUpdater(options: UpdaterOptions): Updater {
  return new Updater(options);
}
