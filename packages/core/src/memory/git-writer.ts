/**
 * The memory git writer: the {@link GitWriter} contract over {@link MemoryRemote}s, with the same rules as a
 * real one (one commit per call, no-op detection, rebuild-and-retry on a lost push race, never a force push
 * over someone else's commit), push races a test can inject, and a log of every operation to assert on.
 */
import { type ErrorCode, GitWriteError, PushGaveUpError } from "../errors.js";
import { chooseCommitParent, isOwnCommit } from "../git/commit-parent.js";
import { pushGiveUpReason } from "../git/push-give-up.js";
import type { CommitRequest, CommitResult, GitRepository, GitWriter } from "../git/types.js";
import type { RequestOptions } from "../registry/types.js";
import { createMemoryRemote, type MemoryCommit, type MemoryFile, type MemoryRemote } from "./git-remote.js";
import { repositoryView } from "./repository-view.js";

/** One thing the writer did, in order. Credentials appear only as their kind. */
export interface MemoryGitOperation {
  readonly operation: "default-branch" | "open" | "commit" | "push";
  readonly url: string;
  readonly branch?: string;
  /** Push attempt, from 1. */
  readonly attempt?: number;
  /** The commit built or pushed. */
  readonly sha?: string;
  readonly outcome: "ok" | "race" | "refused";
  readonly credentials: "ssh" | "https" | "none";
}

/** A push about to happen, for {@link MemoryGitWriterOptions.beforePush}. */
export interface MemoryPush {
  readonly url: string;
  readonly branch: string;
  readonly attempt: number;
  readonly sha: string;
  readonly parent: string;
}

/** Options of {@link createMemoryGitWriter}. */
export interface MemoryGitWriterOptions {
  /** Push attempts before `GIT_CONFLICT`. @default 5 */
  readonly maxAttempts?: number;
  /** Called after a commit is built and before it is pushed, on every attempt: the place to race the writer. */
  readonly beforePush?: (push: MemoryPush) => void | Promise<void>;
}

/** The memory writer, plus its remotes and its log. */
export interface MemoryGitWriter extends GitWriter {
  /** The remote at `url`, created empty (HEAD → `main`) on first use. */
  remote(url: string): MemoryRemote;
  /**
   * Seeds a remote with one commit of `files` on `branch` (default `main`, also its default branch).
   * Resolves the remote.
   */
  seed(url: string, files: Readonly<Record<string, MemoryFile>>, branch?: string): MemoryRemote;
  /** Makes another client commit `files` to `branch` just before the writer's next push there. */
  injectRace(url: string, branch: string, files: Readonly<Record<string, MemoryFile | null>>, message?: string): void;
  /** Every operation so far. */
  readonly operations: readonly MemoryGitOperation[];
}

const ID = "memory";

/** Creates a {@link MemoryGitWriter} with no remotes. */
export function createMemoryGitWriter(options: MemoryGitWriterOptions = {}): MemoryGitWriter {
  const remotes = new Map<string, MemoryRemote>();
  const operations: MemoryGitOperation[] = [];
  const races: { url: string; branch: string; run: () => void }[] = [];
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);

  function remote(url: string): MemoryRemote {
    let found = remotes.get(url);
    if (found === undefined) {
      found = createMemoryRemote(url);
      remotes.set(url, found);
    }
    return found;
  }

  function fail(code: ErrorCode, repository: GitRepository, text: string, branch?: string): GitWriteError {
    return new GitWriteError(code, `[${ID}] ${repository.url}${branch ? ` (${branch})` : ""}: ${text}`, {
      repoUrl: repository.url,
      ...(branch === undefined ? {} : { branch }),
      retryable: code === "GIT_CONFLICT",
    });
  }

  function log(entry: Omit<MemoryGitOperation, "credentials">, repository: GitRepository): void {
    operations.push({ ...entry, credentials: repository.credentials?.kind ?? "none" });
  }

  /** The remote a call talks to, after the checks a server makes first. */
  function connect(repository: GitRepository, requestOptions: RequestOptions | undefined): MemoryRemote {
    if (requestOptions?.signal?.aborted) throw fail("ABORTED", repository, "aborted");
    const found = remotes.get(repository.url);
    if (found === undefined) throw fail("GIT_FAILED", repository, "repository not found");
    const wanted = found.credentials;
    if (wanted !== undefined && JSON.stringify(wanted) !== JSON.stringify(repository.credentials)) {
      throw fail("GIT_AUTH", repository, "authentication failed");
    }
    return found;
  }

  function resolve(target: MemoryRemote, branch: string): string {
    return branch === "" || branch === "HEAD" ? target.defaultBranch : branch;
  }

  async function commit(request: CommitRequest, requestOptions?: RequestOptions): Promise<CommitResult> {
    const { repository } = request;
    const target = connect(repository, requestOptions);
    const branch = resolve(target, request.branch);
    const base = request.baseBranch === undefined ? undefined : resolve(target, request.baseBranch);
    const message = request.signOff
      ? `${request.message.trimEnd()}\n\nSigned-off-by: ${request.author.name} <${request.author.email}>`
      : request.message;
    for (let attempt = 1; ; attempt++) {
      const branchTip = target.tip(branch);
      const baseTip = base === undefined || base === branch ? null : target.tip(base);
      const plan = await chooseCommitParent({
        branch,
        base: base === branch ? undefined : base,
        branchTip,
        baseTip,
        containsBase: async () => target.isAncestor(`${baseTip}`, `${branchTip}`),
        onlyOurs: async () => onlyOurs(target, `${baseTip}`, `${branchTip}`, request.author.email),
      });
      if ("missing" in plan) throw fail("GIT_FAILED", repository, `branch ${plan.missing} does not exist`, branch);
      const parent = target.get(plan.parent) as MemoryCommit;
      const files = applyChanges(parent.files, request);
      if (sameFiles(files, parent.files)) {
        return { sha: null, branch, branchCreated: false, attempts: attempt };
      }
      const [subject = "", ...rest] = message.split("\n");
      const built = target.store({
        parent: parent.sha,
        subject,
        body: rest.join("\n").replace(/^\n/, ""),
        author: request.author,
        committer: request.author,
        ...(request.signing ? { signing: request.signing } : {}),
        files,
      });
      log({ operation: "commit", url: repository.url, branch, attempt, sha: built.sha, outcome: "ok" }, repository);
      await options.beforePush?.({ url: repository.url, branch, attempt, sha: built.sha, parent: parent.sha });
      runRaces(repository.url, branch);
      if (requestOptions?.signal?.aborted) throw fail("ABORTED", repository, "aborted before push", branch);
      const refusal = target.update(branch, built.sha, branchTip);
      const outcome = refusal === null ? "ok" : refusal === "race" ? "race" : "refused";
      log({ operation: "push", url: repository.url, branch, attempt, sha: built.sha, outcome }, repository);
      if (refusal === null) return { sha: built.sha, branch, branchCreated: branchTip === null, attempts: attempt };
      if (refusal !== "race") throw fail("GIT_FAILED", repository, `push refused (${refusal})`, branch);
      const limit = attempt >= maxAttempts ? "attempts" : request.retryBudget?.take() === false ? "budget" : null;
      if (limit !== null) {
        throw new PushGaveUpError(`[${ID}] ${repository.url} (${branch}): ${pushGiveUpReason(limit, attempt)}`, {
          repoUrl: repository.url,
          branch,
          attempts: attempt,
          limit,
        });
      }
    }
  }

  function runRaces(url: string, branch: string): void {
    for (let i = 0; i < races.length; ) {
      const race = races[i];
      if (race !== undefined && race.url === url && race.branch === branch) {
        races.splice(i, 1);
        race.run();
      } else i++;
    }
  }

  return {
    id: ID,
    operations,
    remote,
    seed(url, files, branch = "main") {
      const seeded = remote(url);
      seeded.defaultBranch = branch;
      seeded.commit(branch, files, "seed");
      return seeded;
    },
    injectRace(url, branch, files, message = "a commit from someone else") {
      races.push({ url, branch, run: () => remote(url).commit(branch, files, message) });
    },
    async defaultBranch(repository, requestOptions) {
      const target = connect(repository, requestOptions);
      log({ operation: "default-branch", url: repository.url, outcome: "ok" }, repository);
      if (target.tip(target.defaultBranch) === null) {
        throw fail("GIT_FAILED", repository, "has no default branch (empty repository?)");
      }
      return target.defaultBranch;
    },
    async openBranch(repository, branch, requestOptions) {
      const target = connect(repository, requestOptions);
      const name = resolve(target, branch);
      log({ operation: "open", url: repository.url, branch: name, outcome: "ok" }, repository);
      const tip = target.tip(name);
      return tip === null ? null : repositoryView(target.get(tip) as MemoryCommit);
    },
    commit,
    async dispose() {},
  };
}

/** Every commit in `base..tip` was authored and committed by `email`, and there is at least one. */
function onlyOurs(target: MemoryRemote, base: string, tip: string, email: string): boolean {
  let count = 0;
  for (let sha: string | null = tip; sha !== null && !target.isAncestor(sha, base); ) {
    const commit = target.get(sha);
    if (commit === undefined) break;
    if (!isOwnCommit(commit, email)) return false;
    count++;
    sha = commit.parent;
  }
  return count > 0;
}

/** `parent`'s files with the request's changes applied; edits see the text as it is at `parent`. */
function applyChanges(parent: ReadonlyMap<string, MemoryFile>, request: CommitRequest): Map<string, MemoryFile> {
  const files = new Map(parent);
  for (const change of request.changes) {
    if (change.type === "delete") files.delete(change.path);
    else if (change.type === "write") files.set(change.path, change.contents);
    else {
      const current = files.get(change.path);
      const next = change.apply(typeof current === "string" ? current : null);
      if (next === null) files.delete(change.path);
      else files.set(change.path, next);
    }
  }
  return files;
}

function sameFiles(a: ReadonlyMap<string, MemoryFile>, b: ReadonlyMap<string, MemoryFile>): boolean {
  if (a.size !== b.size) return false;
  for (const [path, file] of a) {
    if (JSON.stringify(file) !== JSON.stringify(b.get(path))) return false;
  }
  return true;
}
