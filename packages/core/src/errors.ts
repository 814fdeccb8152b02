/**
 * Typed failures of the world (network, auth, conflict). Parsing user input never throws these; it returns
 * diagnostics instead. Tests assert on `code`, never on message text.
 */

/** Stable error codes: public API, never renamed. */
export type ErrorCode =
  | "ANNOTATION_INVALID"
  | "CONFIG_INVALID"
  | "TEMPLATE_INVALID"
  | "STRATEGY_CONSTRAINT_INVALID"
  | "PATH_UNSAFE"
  | "MANIFEST_INVALID"
  | "REGISTRY_AUTH"
  | "REGISTRY_NOT_FOUND"
  | "REGISTRY_RATE_LIMITED"
  | "REGISTRY_UNAVAILABLE"
  | "REGISTRY_PROTOCOL"
  | "REGISTRY_CIRCUIT_OPEN"
  | "CREDENTIALS_UNAVAILABLE"
  | "GIT_AUTH"
  | "GIT_CONFLICT"
  | "GIT_UNAVAILABLE"
  | "GIT_FAILED"
  | "PULL_REQUEST_FAILED"
  | "SOURCE_UNAVAILABLE"
  | "TIMEOUT"
  | "LIMIT_EXCEEDED"
  | "ABORTED";

/** Options accepted by every image-updater error. */
export interface ImageUpdaterErrorOptions extends ErrorOptions {
  /** True when the same call may succeed later (429, 5xx, network). @default false */
  readonly retryable?: boolean;
}

/** Base class of every error the SDK throws on purpose. Messages never contain secrets. */
export class ImageUpdaterError extends Error {
  readonly code: ErrorCode;
  /** True when the same call may succeed later (429, 5xx, network). Core retries only these. */
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options?: ImageUpdaterErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.retryable = options?.retryable ?? false;
  }
}

/** Options of a registry error. */
export interface RegistryErrorOptions extends ImageUpdaterErrorOptions {
  /** Registry host, e.g. `docker.io` or `127.0.0.1:5000`. */
  readonly registry?: string;
  /** HTTP status when the registry answered. */
  readonly status?: number;
  /** Milliseconds the registry asked us to wait (from `Retry-After`). */
  readonly retryAfterMs?: number;
}

/** A registry could not be reached, refused us, or answered nonsense. */
export class RegistryError extends ImageUpdaterError {
  readonly registry: string | undefined;
  readonly status: number | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: ErrorCode, message: string, options?: RegistryErrorOptions) {
    super(code, message, options);
    this.registry = options?.registry;
    this.status = options?.status;
    this.retryAfterMs = options?.retryAfterMs;
  }
}

/** The step of a git write-back that failed, so a message can say what failed. */
export type GitWriteStep = "clone" | "fetch" | "commit" | "sign" | "push" | "branch";

/** Options of a git error. */
export interface GitWriteErrorOptions extends ImageUpdaterErrorOptions {
  /** Repository URL with any userinfo removed. */
  readonly repoUrl?: string;
  readonly branch?: string;
  /** What failed: signing the commit, naming the branch, pushing… */
  readonly operation?: GitWriteStep;
}

/** Git write-back failed: auth, a conflict that retries could not resolve, or an unreachable remote. */
export class GitWriteError extends ImageUpdaterError {
  readonly repoUrl: string | undefined;
  readonly branch: string | undefined;
  readonly operation: GitWriteStep | undefined;

  constructor(code: ErrorCode, message: string, options?: GitWriteErrorOptions) {
    super(code, message, options);
    this.repoUrl = options?.repoUrl;
    this.branch = options?.branch;
    this.operation = options?.operation;
  }
}

/** Why a push stopped retrying: the writer's own limit per commit, or the cycle's shared retry budget. */
export type PushGiveUpLimit = "attempts" | "budget";

/** Options of {@link PushGaveUpError}. */
export interface PushGaveUpErrorOptions extends GitWriteErrorOptions {
  /** Push attempts made, from 1. */
  readonly attempts: number;
  readonly limit: PushGiveUpLimit;
}

/**
 * A push kept losing races and stopped retrying (`GIT_CONFLICT`, retryable). Nothing was lost or forced; the
 * engine writes this branch first in the next cycle.
 */
export class PushGaveUpError extends GitWriteError {
  readonly attempts: number;
  readonly limit: PushGiveUpLimit;

  constructor(message: string, options: PushGaveUpErrorOptions) {
    super("GIT_CONFLICT", message, { retryable: true, operation: "push", ...options });
    this.attempts = options.attempts;
    this.limit = options.limit;
  }
}

/** An application source (Kubernetes API, a directory) could not be read. */
export class SourceError extends ImageUpdaterError {}

/** True when `error` is an {@link ImageUpdaterError} with one of `codes` (any code when none given). */
export function isImageUpdaterError(error: unknown, ...codes: ErrorCode[]): error is ImageUpdaterError {
  return error instanceof ImageUpdaterError && (codes.length === 0 || codes.includes(error.code));
}
