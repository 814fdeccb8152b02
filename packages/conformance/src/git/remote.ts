/** What the git writer suite needs from a remote, whatever backs it (a bare repository, a host's API, memory). */
import type { GitRepository } from "@image-updater/core";
import type { SigningKeys } from "./signing-keys.js";

/** A file (text) or a symbolic link. */
export type SeedFile = string | { readonly symlink: string };

/** A commit as the suite sees it. */
export interface LoggedCommit {
  readonly sha: string;
  readonly subject: string;
  readonly body: string;
  readonly author: { readonly name: string; readonly email: string };
  readonly committer: { readonly name: string; readonly email: string };
}

/** The author of commits the suite makes "from another client". */
export const EXTERNAL_AUTHOR = { name: "Someone Else", email: "someone@example.com" } as const;

/**
 * A remote created for one test, and the backend-side operations the suite seeds and inspects it with. The
 * remote starts empty, its `HEAD` pointing at `main`.
 */
export interface GitRemoteFixture {
  /** What the writer is given: URL and credentials. */
  readonly repository: GitRepository;
  /**
   * Commits `files` on top of `branch` (a root commit when it does not exist) as another client's push would,
   * authored by {@link EXTERNAL_AUTHOR}; `null` deletes. Resolves the new sha.
   */
  commit(branch: string, files: Readonly<Record<string, SeedFile | null>>, message: string): Promise<string>;
  /** Tip of `branch`, or `null`. */
  tip(branch: string): Promise<string | null>;
  /** First-parent history of `branch`, newest first. */
  log(branch: string): Promise<readonly LoggedCommit[]>;
  /** Text of `path` on `branch`, or `null`. */
  read(branch: string, path: string): Promise<string | null>;
  /** Points `HEAD` at `branch`. */
  setDefaultBranch(branch: string): Promise<void>;
  /** Makes the remote refuse every non-fast-forward update, so a force push would fail the test. */
  denyForcePush(): Promise<void>;
  /** Makes the remote refuse every update of `branch`, as a protected branch on a Git host does. */
  protectBranch(branch: string): Promise<void>;
  /** Whether commit `sha` carries a signature `keys` verifies. Absent: opt out of the signing cases. */
  verifySignature?(sha: string, keys: SigningKeys): Promise<boolean>;
}
