/**
 * The composition root: the only place that knows concrete adapters. It turns the daemon's resolved
 * configuration into a running engine (core's `createUpdater`) over the directory source, the registry
 * clients named by `registries.conf`, and the git CLI writer. An operator embedding the SDK can copy it.
 */
import type { CycleCounters, RequestOptions, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import type { LabelSelector } from "./config/label-selector.js";

/** Everything the engine needs, already read from files and validated. */
export interface DaemonConfig {
  /** Folder of Argo CD Application manifests. */
  readonly applicationsDir: string;
  /** Folder of Secret manifests for `secret:`/`pullsecret:` references, when any. */
  readonly secretsDir: string | null;
  /** Namespace of manifests that state none. */
  readonly argocdNamespace: string;
  /** `registries.conf` text, or `null` for the built-in defaults (Docker Hub). */
  readonly registriesConf: string | null;
  /** Go template of commit messages, or `null` for argocd-image-updater's default. */
  readonly commitMessageTemplate: string | null;
  readonly git: {
    readonly user: string;
    readonly email: string;
    readonly signingKey: string | null;
    readonly signingMethod: "openpgp" | "ssh";
    readonly signOff: boolean;
  };
  readonly dryRun: boolean;
  readonly maxConcurrency: number;
  readonly matchApplicationNames: readonly string[];
  readonly matchApplicationLabel: LabelSelector | null;
  /** Metadata cache and git mirrors live under it. */
  readonly cacheDir: string;
  /** Problems met while reading the applications or secrets folders. */
  readonly onWarning?: (message: string, fields: Readonly<Record<string, string | number | undefined>>) => void;
}

/** The engine as the daemon drives it. */
export interface DaemonUpdater {
  readonly events: TypedEmitter<UpdaterEvents>;
  /** Runs one cycle over every matching application. Resolves with argocd-image-updater's counters. */
  runOnce(options?: RequestOptions): Promise<CycleCounters>;
  /** Releases sockets, caches and git locks. Idempotent. */
  dispose(): Promise<void>;
}

/** Builds the engine for `config`. */
export async function createDaemonUpdater(_config: DaemonConfig): Promise<DaemonUpdater> {
  throw new Error("the update engine is not part of this build yet");
}
