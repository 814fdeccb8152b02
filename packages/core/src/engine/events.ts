/**
 * Typed events the engine emits for every step and failure. The daemon turns them into log lines and
 * metrics; an embedding operator subscribes to what it needs. Payloads are single readonly objects so fields
 * can be added later. The engine never emits "error": failures are `*:failed` events.
 */
import type { ImageUpdaterError, PushGiveUpLimit } from "../errors.js";
import type { RegistryRequestEvent } from "../registry/types.js";
import type { ApplicationRef } from "../source/types.js";

/** Event name to listener signature, as typed-emitter's `EventMap`. */
// biome-ignore lint/suspicious/noExplicitAny: listener parameters are checked per event, not here.
export type EventMap = { [event: string]: (...args: any[]) => void };

/**
 * typed-emitter's `TypedEventEmitter` shape, declared here so that consumers of the published types need not
 * install typed-emitter, whose optional rxjs dependency weighs 12 MB; `test/typed-emitter.test.ts` proves the
 * two types stay interchangeable.
 */
export interface TypedEmitter<Events extends EventMap> {
  addListener<E extends keyof Events>(event: E, listener: Events[E]): this;
  on<E extends keyof Events>(event: E, listener: Events[E]): this;
  once<E extends keyof Events>(event: E, listener: Events[E]): this;
  prependListener<E extends keyof Events>(event: E, listener: Events[E]): this;
  prependOnceListener<E extends keyof Events>(event: E, listener: Events[E]): this;
  off<E extends keyof Events>(event: E, listener: Events[E]): this;
  removeAllListeners<E extends keyof Events>(event?: E): this;
  removeListener<E extends keyof Events>(event: E, listener: Events[E]): this;
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean;
  eventNames(): (keyof Events | string | symbol)[];
  rawListeners<E extends keyof Events>(event: E): Events[E][];
  listeners<E extends keyof Events>(event: E): Events[E][];
  listenerCount<E extends keyof Events>(event: E): number;
  getMaxListeners(): number;
  setMaxListeners(maxListeners: number): this;
}

/** A problem found in an application's configuration (annotation, CRD field). */
export interface ConfigDiagnosticEvent {
  readonly runId: string;
  readonly application: ApplicationRef;
  readonly severity: "error" | "warning" | "info";
  /** Annotation key or config field the diagnostic is about. */
  readonly key: string;
  readonly message: string;
}

/** One image of one application, as configured. */
export interface ImageEventBase {
  readonly runId: string;
  readonly application: ApplicationRef;
  /** Alias from `image-list`, or the image name when none. */
  readonly alias: string;
  /** Image name as configured, e.g. `docker.io/myorg/myapp`. */
  readonly image: string;
}

/** Emitted when a new tag was chosen and is about to be written (the seed's "Setting new image to …"). */
export interface ImageUpdatingEvent extends ImageEventBase {
  readonly oldTag: string | null;
  readonly newTag: string;
  readonly newDigest: string | null;
}

/** Emitted when an image needs no change. */
export interface ImageUpToDateEvent extends ImageEventBase {
  readonly tag: string | null;
  /**
   * argocd-image-updater's line for it: "Image '…' already on latest allowed version", or "New image … already
   * set in spec" when the spec names the new image but it does not run yet.
   */
  readonly message?: string;
}

/** Emitted when no tag qualified (the seed's "No new image found"). */
export interface ImageNoCandidateEvent extends ImageEventBase {
  readonly tagsFound: number;
  readonly reason: string;
}

/**
 * Emitted when the running tag is no longer listed by the registry (deleted or moved). The decision never
 * moves below it; a warning worth a look, since a deployment of that tag can no longer pull it.
 */
export interface ImageVanishedEvent extends ImageEventBase {
  readonly tag: string;
}

/** Emitted when an image is skipped (not live, disabled). */
export interface ImageSkippedEvent extends ImageEventBase {
  readonly reason: string;
}

/** Emitted when checking an image failed (the seed's "Could not update image"). */
export interface ImageFailedEvent extends ImageEventBase {
  readonly error: ImageUpdaterError;
}

/** A commit pushed (the seed's "Successfully updated image"). */
export interface WritebackCommittedEvent {
  readonly runId: string;
  readonly method: "git" | "argocd";
  readonly repoUrl: string | null;
  readonly branch: string | null;
  /** Commit sha for git, null for argocd. */
  readonly sha: string | null;
  readonly applications: readonly ApplicationRef[];
  readonly changes: readonly {
    readonly application: ApplicationRef;
    readonly image: string;
    readonly oldTag: string | null;
    readonly newTag: string;
  }[];
}

/** A write-back that was decided but not performed (dry run, `git:noop`). */
export interface WritebackSkippedEvent {
  readonly runId: string;
  readonly reason: "dry-run" | "noop" | "no-change";
  readonly applications: readonly ApplicationRef[];
  readonly changes: number;
}

/** A write-back failed (the seed's "Failed to commit"). */
export interface WritebackFailedEvent {
  readonly runId: string;
  readonly repoUrl: string | null;
  readonly branch: string | null;
  readonly applications: readonly ApplicationRef[];
  readonly error: ImageUpdaterError;
}

/**
 * A push kept losing races to other writers and stopped retrying. Nothing was lost or forced; the
 * applications also get `writeback:failed` (`GIT_CONFLICT`), and the next cycle writes this branch first.
 */
export interface WritebackGaveUpEvent {
  readonly runId: string;
  readonly repoUrl: string;
  readonly branch: string;
  /** The applications of the commit that was not pushed. */
  readonly applications: readonly ApplicationRef[];
  /** Push attempts made; `null` when the writer does not say. */
  readonly attempts: number | null;
  /** What ran out: the writer's attempts per commit, or the cycle's retry budget; `null` when the writer does not say. */
  readonly limit: PushGiveUpLimit | null;
  /** Retries left in the cycle's budget when it gave up. */
  readonly budgetRemaining: number;
}

/** A pull request was opened or updated for a write branch. */
export interface PullRequestOpenedEvent {
  readonly runId: string;
  readonly url: string;
  readonly created: boolean;
  readonly branch: string;
  readonly applications: readonly ApplicationRef[];
}

/** Counters of one cycle, named as argocd-image-updater names them. */
export interface CycleCounters {
  readonly applications: number;
  readonly imagesConsidered: number;
  readonly imagesSkipped: number;
  readonly imagesUpdated: number;
  readonly errors: number;
}

/** A cycle began. */
export interface CycleStartedEvent {
  readonly runId: string;
  /** Applications that passed the filters and will be checked (the seed's "Checking 5 applications"). */
  readonly applications: number;
  /** `interval`: polling; `manual`: `runOnce`; `image`: `trigger`; `watch`: a changed application. */
  readonly trigger: "interval" | "manual" | "image" | "watch";
}

/** A cycle ended. */
export interface CycleFinishedEvent extends CycleCounters {
  readonly runId: string;
  readonly durationMs: number;
}

/** The applications a cycle did not check because its budget ran out; the next cycle checks them first. */
export interface CycleDeferredEvent {
  readonly runId: string;
  readonly applications: readonly ApplicationRef[];
  readonly budgetMs: number;
}

/** Every event the {@link Updater} emits. A `type` alias: typed-emitter needs an index signature. */
export type UpdaterEvents = {
  "cycle:started": (event: CycleStartedEvent) => void;
  "cycle:finished": (event: CycleFinishedEvent) => void;
  "cycle:deferred": (event: CycleDeferredEvent) => void;
  "application:checking": (event: { readonly runId: string; readonly application: ApplicationRef }) => void;
  "application:failed": (event: {
    readonly runId: string;
    readonly application: ApplicationRef;
    readonly error: ImageUpdaterError;
  }) => void;
  "config:diagnostic": (event: ConfigDiagnosticEvent) => void;
  "image:updating": (event: ImageUpdatingEvent) => void;
  "image:up-to-date": (event: ImageUpToDateEvent) => void;
  "image:no-candidate": (event: ImageNoCandidateEvent) => void;
  "image:skipped": (event: ImageSkippedEvent) => void;
  "image:vanished": (event: ImageVanishedEvent) => void;
  "image:failed": (event: ImageFailedEvent) => void;
  "writeback:committed": (event: WritebackCommittedEvent) => void;
  "writeback:skipped": (event: WritebackSkippedEvent) => void;
  "writeback:failed": (event: WritebackFailedEvent) => void;
  "writeback:gave-up": (event: WritebackGaveUpEvent) => void;
  "pullrequest:opened": (event: PullRequestOpenedEvent) => void;
  "registry:request": (event: RegistryRequestEvent) => void;
  /** The source's watch reported a change; `checking`: a cycle for it is queued (upserts). */
  "application:changed": (event: {
    readonly application: ApplicationRef;
    readonly change: "upsert" | "delete";
    readonly checking: boolean;
  }) => void;
  /** The source's watch ended with an error; polling goes on, changes wait for the next interval. */
  "source:watch-failed": (event: { readonly error: ImageUpdaterError }) => void;
};
