/**
 * The git CLI writer: a warm bare mirror per remote in a cache directory, commits built without a checkout,
 * pushed with fetch-rebuild-retry so a racing writer never loses a commit. Runs the system `git` without a
 * shell; credentials travel only through the child's environment and 0600 temp files.
 */
import { mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import {
  type CommitParent,
  type CommitRequest,
  type CommitResult,
  chooseCommitParent,
  type GitRepository,
  GitWriteError,
  type GitWriter,
  isOwnCommit,
  PushGaveUpError,
  pushGiveUpReason,
  type RepositoryFiles,
  type RequestOptions,
} from "@image-updater/core";
import { buildCommit } from "./build-commit.js";
import { isPushRace, toGitWriteError } from "./classify.js";
import { type AuthSession, openAuthSession } from "./credentials.js";
import { createKeyedMutex, withLockFile } from "./lock.js";
import { ensureMirror, isMirrorWarm, type MirrorLocation, mirrorLocation } from "./mirror.js";
import { sweepAbandonedPrivateDirs } from "./private-dir.js";
import { mirrorKey, type ParsedRemoteUrl, parseRemoteUrl } from "./remote-url.js";
import { createRepositoryFiles } from "./repository-files.js";
import { runGit } from "./run-git.js";
import { createSigningKeyring } from "./signing-key.js";
import type { CliGitWriterOptions, GitOperation } from "./types.js";

interface MirrorSession {
  readonly location: MirrorLocation;
  readonly auth: AuthSession;
  readonly remote: ParsedRemoteUrl;
}

/** Creates the `git-cli` {@link GitWriter}. */
export function createCliGitWriter(options: CliGitWriterOptions = {}): GitWriter {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const maxAttempts = Math.max(1, options.maxAttempts ?? 5);
  const timeoutMs = options.timeoutMs ?? 300_000;
  const stallTimeoutMs = options.stallTimeoutMs ?? 30_000;
  const retryDelayMs = options.retryDelayMs ?? 100;
  const random = options.random ?? Math.random;
  const extraEnv = options.env ?? {};
  const mutex = createKeyedMutex();
  // What a process killed with kill -9 left behind (agent sockets, known_hosts files) goes at start-up.
  void sweepAbandonedPrivateDirs();
  const lastFetch = new Map<string, number>();
  const pending = new Set<Promise<unknown>>();
  const keyring = createSigningKeyring();

  function track<T>(promise: Promise<T>): Promise<T> {
    pending.add(promise);
    promise.then(
      () => pending.delete(promise),
      () => pending.delete(promise),
    );
    return promise;
  }

  async function measure<T>(
    operation: GitOperation,
    repoUrl: string,
    branch: string | undefined,
    run: () => Promise<T>,
  ) {
    const started = performance.now();
    let ok = false;
    try {
      const result = await run();
      ok = true;
      return result;
    } finally {
      options.onOperation?.({
        operation,
        repoUrl,
        ...(branch === undefined ? {} : { branch }),
        ok,
        durationMs: performance.now() - started,
      });
    }
  }

  function network(session: MirrorSession, signal: AbortSignal | undefined) {
    return {
      gitDir: session.location.gitDir,
      env: { ...extraEnv, ...session.auth.env },
      secrets: session.auth.secrets,
      timeoutMs,
      stallTimeoutMs,
      ...(signal ? { signal } : {}),
    };
  }

  async function withMirror<T>(
    repository: GitRepository,
    operation: string,
    branch: string | undefined,
    signal: AbortSignal | undefined,
    task: (session: MirrorSession) => Promise<T>,
  ): Promise<T> {
    const remote = parseRemoteUrl(repository.url);
    const location = mirrorLocation(cacheDir, mirrorKey(repository.url));
    const context = { operation, repoUrl: remote.url, ...(branch === undefined ? {} : { branch }) };
    try {
      await mkdir(cacheDir, { recursive: true });
      return await mutex.run(location.gitDir, () =>
        withLockFile(
          location.lockPath,
          { timeoutMs: options.lockTimeoutMs ?? 600_000, ...(signal ? { signal } : {}) },
          async () => {
            const auth = await openAuthSession(repository, remote, stallTimeoutMs);
            try {
              await ensureMirror(location, remote.url);
              return await task({ location, auth, remote });
            } finally {
              await auth.dispose();
            }
          },
        ),
      );
    } catch (error) {
      throw toGitWriteError(error, context);
    }
  }

  async function fetchMirror(session: MirrorSession, signal: AbortSignal | undefined): Promise<void> {
    const operation = isMirrorWarm(session.location) ? "fetch" : "clone";
    await measure(operation, session.remote.url, undefined, () =>
      runGit(["fetch", "--prune", "--no-tags", "--quiet", "origin"], network(session, signal)),
    );
    lastFetch.set(session.location.gitDir, Date.now());
  }

  async function tip(session: MirrorSession, branch: string): Promise<string | null> {
    return runGit(["rev-parse", "--verify", "--quiet", `refs/remotes/origin/${branch}^{commit}`], {
      gitDir: session.location.gitDir,
    }).then(
      (result) => result.stdout.toString("utf8").trim(),
      () => null,
    );
  }

  async function resolveBranch(repository: GitRepository, branch: string, signal?: AbortSignal): Promise<string> {
    if (branch !== "" && branch !== "HEAD") return validBranch(branch, parseRemoteUrl(repository.url).url);
    return defaultBranch(repository, signal ? { signal } : undefined);
  }

  async function defaultBranch(repository: GitRepository, requestOptions?: RequestOptions): Promise<string> {
    const remote = parseRemoteUrl(repository.url);
    const signal = requestOptions?.signal;
    let auth: AuthSession | undefined;
    try {
      auth = await openAuthSession(repository, remote, stallTimeoutMs);
      const session = auth;
      const { stdout } = await measure("ls-remote", remote.url, undefined, () =>
        runGit(["ls-remote", "--symref", remote.url, "HEAD"], {
          env: { ...extraEnv, ...session.env },
          secrets: session.secrets,
          timeoutMs,
          stallTimeoutMs,
          ...(signal ? { signal } : {}),
        }),
      );
      const match = /^ref: refs\/heads\/(?<branch>\S+)\tHEAD$/m.exec(stdout.toString("utf8"));
      if (!match?.groups?.branch) {
        throw new GitWriteError("GIT_FAILED", `[git-cli] ${remote.url} has no default branch (empty repository?)`, {
          repoUrl: remote.url,
        });
      }
      return match.groups.branch;
    } catch (error) {
      throw toGitWriteError(error, { operation: "ls-remote", repoUrl: remote.url });
    } finally {
      await auth?.dispose();
    }
  }

  async function openBranch(
    repository: GitRepository,
    branch: string,
    requestOptions?: RequestOptions,
  ): Promise<RepositoryFiles | null> {
    const signal = requestOptions?.signal;
    const name = await resolveBranch(repository, branch, signal);
    return withMirror(repository, "open", name, signal, async (session) => {
      await fetchMirror(session, signal);
      const sha = await tip(session, name);
      return sha === null
        ? null
        : createRepositoryFiles(
            session.location.gitDir,
            sha,
            options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes },
          );
    });
  }

  async function commit(request: CommitRequest, requestOptions?: RequestOptions): Promise<CommitResult> {
    const signal = requestOptions?.signal;
    const branch = await resolveBranch(request.repository, request.branch, signal);
    const base =
      request.baseBranch === undefined
        ? undefined
        : await resolveBranch(request.repository, request.baseBranch, signal);
    const writeBranch = base !== undefined && base !== branch;

    return withMirror(request.repository, "commit", branch, signal, async (session) => {
      const { gitDir } = session.location;
      const repoUrl = session.remote.url;
      const fetchedAt = lastFetch.get(gitDir) ?? Number.NEGATIVE_INFINITY;
      if (!isMirrorWarm(session.location) || Date.now() - fetchedAt >= (options.fetchReuseMs ?? 0)) {
        await fetchMirror(session, signal);
      }
      for (let attempt = 1; ; attempt++) {
        if (attempt > 1) {
          // Racing writers that all retry at once collide again: wait a random, growing share first.
          await sleep(pushRetryDelay(attempt, retryDelayMs, random), undefined, signal ? { signal } : undefined);
          await fetchMirror(session, signal);
        }
        const branchTip = await tip(session, branch);
        const baseTip = writeBranch ? await tip(session, base) : null;
        const plan = await planParent(session, {
          branch,
          base: writeBranch ? base : undefined,
          branchTip,
          baseTip,
          author: request.author.email,
        });

        const prepared = request.signing ? await keyring.prepare(request.signing) : undefined;
        const buildStarted = performance.now();
        const sha = await buildCommit({
          gitDir,
          parent: plan.parent,
          changes: request.changes,
          message: request.message,
          author: request.author,
          signOff: request.signOff ?? false,
          ...(prepared ? { signing: prepared.signing } : {}),
          env: { ...extraEnv, ...prepared?.env },
          ...(signal ? { signal } : {}),
        }).catch((error: unknown) => {
          throw toGitWriteError(error, { operation: "commit", repoUrl, branch });
        });
        if (sha === null) return { sha: null, branch, branchCreated: false, attempts: attempt };
        options.onOperation?.({
          operation: "commit",
          repoUrl,
          branch,
          ok: true,
          durationMs: performance.now() - buildStarted,
        });

        await options.beforePush?.({ repoUrl, branch, attempt, sha, parent: plan.parent });
        const lease = plan.lease ? [`--force-with-lease=refs/heads/${branch}:${plan.lease}`] : [];
        try {
          await measure("push", repoUrl, branch, () =>
            runGit(
              ["push", "--porcelain", ...lease, "origin", `${sha}:refs/heads/${branch}`],
              network(session, signal),
            ),
          );
          return { sha, branch, branchCreated: branchTip === null, attempts: attempt };
        } catch (error) {
          if (!isPushRace(error)) throw toGitWriteError(error, { operation: "push", repoUrl, branch });
        }
        // Lost the race: retry only while this commit's attempts and the cycle's shared budget allow.
        const limit = attempt >= maxAttempts ? "attempts" : request.retryBudget?.take() === false ? "budget" : null;
        if (limit !== null) {
          throw new PushGaveUpError(`[git-cli] push ${repoUrl} (${branch}): ${pushGiveUpReason(limit, attempt)}`, {
            repoUrl,
            branch,
            attempts: attempt,
            limit,
          });
        }
      }
    });
  }

  /** The parent to build on (core's rule), asking git only for the facts the rule needs. */
  async function planParent(
    session: MirrorSession,
    state: {
      readonly branch: string;
      readonly base: string | undefined;
      readonly branchTip: string | null;
      readonly baseTip: string | null;
      readonly author: string;
    },
  ): Promise<CommitParent> {
    const repoUrl = session.remote.url;
    const gitDir = session.location.gitDir;
    const { baseTip, branchTip } = state;
    const plan = await chooseCommitParent({
      ...state,
      containsBase: () =>
        runGit(["merge-base", "--is-ancestor", `${baseTip}`, `${branchTip}`], { gitDir }).then(
          () => true,
          () => false,
        ),
      async onlyOurs() {
        const { stdout } = await runGit(["log", "--format=%ae%x09%ce", `${baseTip}..${branchTip}`], { gitDir });
        const authors = stdout.toString("utf8").trim().split("\n").filter(Boolean);
        return (
          authors.length > 0 &&
          authors.every((line) => {
            const [author = "", committer = ""] = line.split("\t");
            return isOwnCommit(
              { author: { name: "", email: author }, committer: { name: "", email: committer } },
              state.author,
            );
          })
        );
      },
    });
    if ("missing" in plan) {
      throw new GitWriteError("GIT_FAILED", `[git-cli] branch ${plan.missing} does not exist on ${repoUrl}`, {
        repoUrl,
        branch: plan.missing,
      });
    }
    return plan;
  }

  return {
    id: "git-cli",
    defaultBranch: (repository, requestOptions) => track(defaultBranch(repository, requestOptions)),
    openBranch: (repository, branch, requestOptions) => track(openBranch(repository, branch, requestOptions)),
    commit: (request, requestOptions) => track(commit(request, requestOptions)),
    async dispose() {
      await Promise.allSettled([...pending]);
      await keyring.dispose();
    },
  };
}

/** Full jitter: uniform in [0, base × 2^(attempt-2)], capped at 5 s. */
export function pushRetryDelay(attempt: number, baseMs: number, random: () => number): number {
  const ceiling = Math.min(5_000, baseMs * 2 ** Math.max(0, attempt - 2));
  return Math.floor(random() * ceiling);
}

function defaultCacheDir(): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), ".cache"), "image-updater", "git");
}

const INVALID_BRANCH = /(?:^[-/.]|\.\.|[\s~^:?*[\\]|@\{|\/\/|\/$|\.lock$|\.$)/;

function validBranch(branch: string, repoUrl: string): string {
  if (INVALID_BRANCH.test(branch) || /[\x00-\x1f\x7f]/.test(branch)) {
    throw new GitWriteError("GIT_FAILED", `[git-cli] ${JSON.stringify(branch)} is not a valid branch name`, {
      repoUrl,
      branch,
      operation: "branch",
    });
  }
  return branch;
}
