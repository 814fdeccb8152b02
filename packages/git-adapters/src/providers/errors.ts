import { ImageUpdaterError, type ImageUpdaterErrorOptions } from "@image-updater/core";

/** Options of {@link PullRequestError}. */
export interface PullRequestErrorOptions extends ImageUpdaterErrorOptions {
  /** Provider id: `github`, `gitlab`, `gitea`, `webhook`. */
  readonly provider: string;
  /** HTTP status when the API answered. */
  readonly status?: number;
}

/** A pull-request API refused or failed a call (`PULL_REQUEST_FAILED`; retryable on 429, 5xx and network errors). */
export class PullRequestError extends ImageUpdaterError {
  readonly provider: string;
  readonly status: number | undefined;

  constructor(message: string, options: PullRequestErrorOptions) {
    super("PULL_REQUEST_FAILED", message, options);
    this.provider = options.provider;
    this.status = options.status;
  }
}
