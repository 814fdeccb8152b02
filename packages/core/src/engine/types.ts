/**
 * The engine's public shapes: what `createUpdater` takes, and what one cycle returns.
 */
import type { ApplicationConfigResult } from "../config/types.js";
import type { CommitSigning, GitCredentials, GitIdentity, GitWriter, PullRequestProvider } from "../git/types.js";
import type { Platform, RegistryClient, RegistryEndpoint, RequestOptions, SecretResolver } from "../registry/types.js";
import type { Application, ApplicationRef, ApplicationSource, ApplicationWriter } from "../source/types.js";
import type { StrategyRegistry } from "../strategy/types.js";
import type { CycleCounters } from "./events.js";

/** Git commit settings (`git.user`, `git.email`, `git.commit-message-template`, signing). */
export interface CommitSettings {
  /** @default { name: "argocd-image-updater", email: "noreply@argoproj.io" } */
  readonly author?: GitIdentity;
  /** Go text/template source of commit messages. @default argocd-image-updater's template */
  readonly messageTemplate?: string;
  /** Add a `Signed-off-by` trailer. @default false */
  readonly signOff?: boolean;
  readonly signing?: CommitSigning;
}

/** Where the engine finds git credentials for a write-back. */
export interface GitCredentialsRequest {
  readonly application: Application;
  readonly repoUrl: string;
  /** `repocreds` (Argo CD's repository credentials) or a Secret named by `git:secret:<ns>/<name>`. */
  readonly source:
    | { readonly kind: "repocreds" }
    | { readonly kind: "secret"; readonly namespace: string; readonly name: string };
}

/**
 * Configuration of applications from somewhere other than annotations (an `ImageUpdater` CR, a file).
 * Returns one entry per application it manages; applications it does not return are not updated.
 */
export type ConfigResolver = (applications: readonly Application[]) => readonly {
  readonly application: Application;
  readonly result: ApplicationConfigResult;
}[];

/** Options of {@link createUpdater}. */
export interface UpdaterOptions {
  readonly source: ApplicationSource;
  /**
   * The registry client for every image (wrap it with `withRegistryPolicies` for caches, retries and
   * limits), or a function choosing one per registry host.
   */
  readonly registry: RegistryClient | ((registry: string) => RegistryClient);
  /** `registries.conf` entries: `defaultns`, `tagsortmode`, credentials per registry. */
  readonly endpoints?: readonly RegistryEndpoint[];
  /** Needed for the `git` write-back method. */
  readonly git?: GitWriter;
  /** Needed for the `argocd` write-back method. */
  readonly applicationWriter?: ApplicationWriter;
  /** Opens pull requests for write branches when the configuration asks for one. */
  readonly pullRequests?: PullRequestProvider | ((repoUrl: string) => PullRequestProvider | undefined);
  /** Reads Secrets named by `git:secret:` write-back methods. */
  readonly secrets?: SecretResolver;
  /** Git credentials; default: `git:secret:` Secrets through `secrets` (fields `sshPrivateKey` or `username`/`password`). */
  readonly gitCredentials?: (request: GitCredentialsRequest) => Promise<GitCredentials | undefined>;
  readonly commit?: CommitSettings;
  /** Strategies by name; default: the built-ins. */
  readonly strategies?: StrategyRegistry;
  /** Configuration from something other than annotations; default: annotations. */
  readonly configResolver?: ConfigResolver;
  /** Annotation prefix. @default "argocd-image-updater.argoproj.io" */
  readonly annotationPrefix?: string;
  /** Decide and report, never write. @default false */
  readonly dryRun?: boolean;
  /** Applications checked at once. @default 10 */
  readonly maxConcurrency?: number;
  /** Poll interval of {@link Updater.start}, in milliseconds. @default 120_000 */
  readonly intervalMs?: number;
  /**
   * Time a cycle may spend checking applications, in milliseconds. When it runs out, checks in flight are
   * aborted, applications not yet checked are deferred (a `cycle:deferred` event) and checked first by the
   * next cycle; changes already decided are still written. `0` means no budget. @default 0
   */
  readonly cycleBudgetMs?: number;
  /**
   * Push retries a cycle grants per (repository, branch) it writes, pooled across the cycle's write phase
   * (plus one spare share): a push that keeps losing races to other writers gives up once the pool or the
   * writer's own limit is spent (a `writeback:gave-up` event), and the next cycle writes that branch first.
   * `0`: no retries. @default 2
   */
  readonly pushRetriesPerGroup?: number;
  /** Only applications whose name matches one of these globs (`--match-application-name`). */
  readonly matchApplicationName?: readonly string[];
  /** Only applications matching this label selector (`--match-application-label`), e.g. `team=a,tier!=db`. */
  readonly matchApplicationLabel?: string;
  /** Platforms candidates must offer when an image names none. @default [] (any platform) */
  readonly defaultPlatforms?: readonly Platform[];
  /** Argo CD's namespace, for `.argocd-source-<namespace>_<app>.yaml` naming. @default "argocd" */
  readonly argocdNamespace?: string;
}

/** What happened to one image in a cycle. */
export interface ImageResult {
  readonly alias: string;
  readonly image: string;
  readonly outcome: "updated" | "up-to-date" | "no-candidate" | "skipped" | "error";
  readonly oldTag: string | null;
  readonly newTag: string | null;
  readonly newDigest: string | null;
  readonly message: string;
}

/** What happened to one application in a cycle. */
export interface ApplicationResult {
  readonly application: ApplicationRef;
  readonly images: readonly ImageResult[];
  /** How its changes were persisted. */
  readonly writeBack: "none" | "committed" | "unchanged" | "dry-run" | "argocd" | "failed";
  readonly commit?: { readonly repoUrl: string; readonly branch: string; readonly sha: string | null };
  readonly pullRequest?: string;
  readonly error?: string;
}

/** The outcome of one cycle. */
export interface CycleResult extends CycleCounters {
  readonly runId: string;
  readonly startedAt: Date;
  readonly durationMs: number;
  readonly results: readonly ApplicationResult[];
  /** Commits pushed this cycle (one per repository and branch). */
  readonly commits: readonly { readonly repoUrl: string; readonly branch: string; readonly sha: string }[];
  /** Applications whose check was deferred because the cycle's budget ran out (checked first next cycle). */
  readonly deferred: readonly ApplicationRef[];
}

/**
 * A request to check the applications watching an image now, e.g. from a registry webhook.
 * `tagHint` is the tag the event announced (a pushed tag). The engine carries it into the cycle
 * (`RunOptions.images`); when the image's listing lacks it, the listing is repeated after short pauses
 * (about 3 s in all). It never changes which tag wins: the decision is made from the listing alone.
 */
export interface ImageTrigger {
  /** `registry/repository`; a tag or digest in it is ignored. */
  readonly image: string;
  /** The tag the event was about, when known. */
  readonly tagHint?: string;
}

/** Options of one run ({@link Updater.runOnce}). Without `image`, `images` or `applications`: every application. */
export interface RunOptions extends RequestOptions {
  /** Only applications watching this image (`registry/repository`, tag ignored). */
  readonly image?: string;
  /** Only applications watching one of these images (joined with `image` and `applications`). */
  readonly images?: readonly ImageTrigger[];
  /** Only these applications (joined with `image` and `images`). */
  readonly applications?: readonly ApplicationRef[];
}
