/**
 * From accepted pushes to targeted checks. Per repository at most one check runs and one follow-up waits:
 * pushes that arrive during a check merge into the follow-up, so a burst costs two checks, not fifty. Each
 * push is timed from its delivery to the write-back that carries its image (a histogram and a log line).
 */
import { type CycleCounters, normalizeImageName, type TypedEmitter, type UpdaterEvents } from "@image-updater/core";
import type { RegistryPushEvent, WebhookType } from "@image-updater/webhooks";
import type { Logger } from "../logging/logger.js";
import type { WebhookMetrics } from "./webhook-metrics.js";

/** A targeted check: the image (`registry/repository`) and the tag the push announced. */
export interface WebhookTrigger {
  readonly image: string;
  readonly tagHint?: string;
}

/** What the dispatcher needs of the engine. */
export interface WebhookTriggerTarget {
  readonly events: TypedEmitter<UpdaterEvents>;
  /** Checks the applications watching these images; resolves when that check (and its look-agains) ends. */
  trigger(images: readonly WebhookTrigger[]): Promise<CycleCounters>;
}

/** Hints kept per follow-up; more pushes still trigger it, their tags are simply not awaited. */
const MAX_HINTS = 20;

interface PendingPush {
  readonly type: WebhookType;
  readonly receivedAt: number;
  readonly tag: string | undefined;
  /** False while it waits for the follow-up check; true once a check that started after it covers it. */
  covered: boolean;
}

interface RepositoryState {
  /** Tags announced while the check runs; the follow-up awaits them. */
  followUp: Set<string | undefined> | undefined;
}

/** Accepts pushes; returns a function that stops listening to the engine's events. */
export interface WebhookDispatcher {
  dispatch(events: readonly RegistryPushEvent[], context: { type: WebhookType; receivedAt: number }): void;
  /** Resolves when no check started by a push is running or waiting (for tests and shutdown). */
  idle(): Promise<void>;
  close(): void;
}

/** Creates the dispatcher over `target`. */
export function createWebhookDispatcher(options: {
  readonly target: WebhookTriggerTarget;
  readonly logger: Logger;
  readonly metrics?: WebhookMetrics;
  readonly now?: () => number;
}): WebhookDispatcher {
  const { target, logger } = options;
  const now = options.now ?? (() => performance.now());
  const pending = new Map<string, PendingPush[]>();
  const states = new Map<string, RepositoryState>();
  const inFlight = new Set<Promise<unknown>>();

  function keyOf(image: string): string {
    return normalizeImageName(image) ?? image;
  }

  function run(key: string, hints: ReadonlySet<string | undefined>): void {
    for (const push of pending.get(key) ?? []) push.covered = true;
    states.set(key, { followUp: undefined });
    const triggers: WebhookTrigger[] = [...hints].map((tag) =>
      tag === undefined ? { image: key } : { image: key, tagHint: tag },
    );
    const started = target
      .trigger(triggers.length > 0 ? triggers : [{ image: key }])
      .then(
        (result) => {
          if (result.applications === 0)
            logger.debug("No application watches the pushed image; nothing to check", { image: key });
        },
        (error: unknown) =>
          logger.warn("Webhook-triggered check failed", {
            image: key,
            error: error instanceof Error ? error.message : String(error),
          }),
      )
      .finally(() => {
        inFlight.delete(started);
        settle(key);
        const state = states.get(key);
        states.delete(key);
        if (state?.followUp !== undefined) run(key, state.followUp);
      });
    inFlight.add(started);
  }

  /** Pushes the finished check covered but did not write: nothing newer was served, or nothing matched. */
  function settle(key: string): void {
    const left = (pending.get(key) ?? []).filter((push) => {
      if (!push.covered) return true;
      logger.debug("Webhook push wrote nothing (the registry offers no newer allowed tag)", {
        image: key,
        tag: push.tag,
        type: push.type,
      });
      return false;
    });
    if (left.length > 0) pending.set(key, left);
    else pending.delete(key);
  }

  const onCommitted: UpdaterEvents["writeback:committed"] = (event) => {
    const at = now();
    for (const change of event.changes) {
      const key = keyOf(change.image);
      const pushes = pending.get(key);
      if (pushes === undefined) continue;
      const left = pushes.filter((push) => {
        // A push that arrived during the check that wrote may announce a newer tag: its follow-up decides.
        if (!push.covered && push.tag !== change.newTag) return true;
        const seconds = (at - push.receivedAt) / 1000;
        options.metrics?.latency(push.type, seconds);
        logger.info("Webhook push written back", {
          image: key,
          tag: change.newTag,
          // The tag the notification named, when it differs (a stale or coalesced notification).
          ...(push.tag === change.newTag ? {} : { announced: push.tag ?? "(none)" }),
          type: push.type,
          latency_ms: Math.round(seconds * 1000),
          application: `${change.application.namespace}/${change.application.name}`,
        });
        return false;
      });
      if (left.length > 0) pending.set(key, left);
      else pending.delete(key);
    }
  };
  target.events.on("writeback:committed", onCommitted);

  return {
    dispatch(events, context) {
      for (const event of events) {
        const key = keyOf(`${event.registry}/${event.repository}`);
        const state = states.get(key);
        const list = pending.get(key) ?? [];
        list.push({ type: context.type, receivedAt: context.receivedAt, tag: event.tag, covered: false });
        pending.set(key, list);
        logger.debug("Webhook push received", { image: key, tag: event.tag, type: context.type });
        if (state === undefined) {
          run(key, new Set([event.tag]));
          continue;
        }
        state.followUp ??= new Set();
        if (state.followUp.size < MAX_HINTS) state.followUp.add(event.tag);
      }
    },
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close() {
      target.events.off("writeback:committed", onCommitted);
    },
  };
}
