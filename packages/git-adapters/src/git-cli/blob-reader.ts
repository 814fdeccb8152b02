/**
 * One long-lived `git cat-file --batch` per mirror: every blob a view reads goes through the same process, so
 * a cycle over a thousand applications of one repository starts one process, not one per burst of reads.
 * The process ends after a quiet spell and never keeps Node alive while nothing is asked of it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { ImageUpdaterError } from "@image-updater/core";
import { baseGitEnv } from "./child-env.js";
import { runGit } from "./run-git.js";
import { readBlobs } from "./tree-entries.js";

/** Reads objects by name. */
export interface BlobReader {
  /** The contents of the object `sha`; rejects when the mirror has no such object. */
  read(sha: string): Promise<Buffer>;
  /** The object `name` (any revision, e.g. `refs/remotes/origin/main^{commit}`) and its contents; `null` when missing. */
  lookup(name: string): Promise<{ readonly sha: string; readonly bytes: Buffer } | null>;
}

interface Waiting {
  readonly resolve: (found: { readonly sha: string; readonly bytes: Buffer } | null) => void;
  readonly reject: (error: unknown) => void;
}

/** Quiet time after which the process is ended; the next read starts a new one. */
const IDLE_MS = 5_000;

const readers = new Map<string, BlobReader>();

/** The reader of `gitDir`, shared by every view of that mirror. */
export function blobReaderOf(gitDir: string): BlobReader {
  let reader = readers.get(gitDir);
  if (reader === undefined) {
    reader = createBlobReader(gitDir);
    readers.set(gitDir, reader);
  }
  return reader;
}

/**
 * The blob `sha` of the mirror at `gitDir`, read through its shared reader. A mirror cloned again under a
 * running reader has objects that process cannot see: then a fresh process is asked.
 */
export function readMirrorBlob(gitDir: string, sha: string): Promise<Buffer> {
  return blobReaderOf(gitDir)
    .read(sha)
    .catch(async () => (await readBlobs(gitDir, [sha])).get(sha) ?? Buffer.alloc(0));
}

/**
 * The commit `ref` (e.g. `refs/remotes/origin/main`) points at in the mirror at `gitDir`, through its shared
 * reader (git reads refs afresh for every name asked); `null` when there is none. A miss is confirmed by a
 * `rev-parse` of its own, since a reader started before the mirror was cloned again may not see its objects.
 */
export async function resolveMirrorCommit(gitDir: string, ref: string): Promise<string | null> {
  const found = await blobReaderOf(gitDir)
    .lookup(`${ref}^{commit}`)
    .catch(() => null);
  if (found !== null) return found.sha;
  return runGit(["rev-parse", "--verify", "--quiet", `${ref}^{commit}`], { gitDir }).then(
    (result) => result.stdout.toString("utf8").trim(),
    () => null,
  );
}

function createBlobReader(gitDir: string): BlobReader {
  let child: ChildProcessWithoutNullStreams | undefined;
  // Requests in the order they were written; `head` is the oldest unanswered (no O(n) shift per answer).
  let waiting: Waiting[] = [];
  let head = 0;
  let buffered: Buffer = Buffer.alloc(0);
  let idle: NodeJS.Timeout | undefined;
  // Object names asked for since the last write to the process: sent as one write, not one syscall each.
  let outgoing: string[] = [];

  function holdNodeAlive(hold: boolean): void {
    if (child === undefined) return;
    for (const handle of [child, child.stdin, child.stdout, child.stderr] as { ref(): void; unref(): void }[]) {
      if (hold) handle.ref();
      else handle.unref();
    }
  }

  function failAll(error: unknown): void {
    const pending = waiting.slice(head);
    waiting = [];
    head = 0;
    outgoing = [];
    for (const entry of pending) entry.reject(error);
  }

  function answered(): Waiting {
    const next = waiting[head] as Waiting;
    head++;
    if (head === waiting.length) {
      waiting = [];
      head = 0;
    } else if (head >= 1024 && head * 2 >= waiting.length) {
      waiting = waiting.slice(head);
      head = 0;
    }
    return next;
  }

  function drain(): void {
    while (head < waiting.length) {
      const headerEnd = buffered.indexOf(0x0a);
      if (headerEnd < 0) return;
      const header = buffered.subarray(0, headerEnd).toString("utf8");
      const match = /^(?<sha>[0-9a-f]+) (?<type>\w+) (?<size>\d+)$/.exec(header);
      if (!match?.groups) {
        // `<name> missing` (or anything unexpected) answers this request only.
        buffered = buffered.subarray(headerEnd + 1);
        const next = answered();
        if (header.endsWith(" missing")) next.resolve(null);
        else next.reject(new ImageUpdaterError("GIT_FAILED", `[git-cli] cat-file: ${header}`));
        continue;
      }
      const size = Number(match.groups.size);
      if (buffered.length < headerEnd + 1 + size + 1) return;
      const bytes = Buffer.from(buffered.subarray(headerEnd + 1, headerEnd + 1 + size));
      buffered = buffered.subarray(headerEnd + 1 + size + 1);
      answered().resolve({ sha: match.groups.sha as string, bytes });
    }
    if (waiting.length === 0) {
      holdNodeAlive(false);
      idle = setTimeout(stop, IDLE_MS);
      idle.unref();
    }
  }

  function flush(): void {
    if (outgoing.length === 0) return;
    const names = outgoing;
    outgoing = [];
    child?.stdin.write(`${names.join("\n")}\n`);
  }

  function stop(): void {
    idle = undefined;
    child?.stdin.end();
    child = undefined;
  }

  function start(): ChildProcessWithoutNullStreams {
    const started = spawn("git", [`--git-dir=${gitDir}`, "cat-file", "--batch"], {
      env: baseGitEnv(),
      stdio: ["pipe", "pipe", "pipe"],
    });
    started.stdout.on("data", (chunk: Buffer) => {
      buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
      drain();
    });
    started.stderr.resume();
    started.stdin.on("error", () => {});
    started.on("error", (error: NodeJS.ErrnoException) => {
      failAll(new ImageUpdaterError("GIT_FAILED", `git cat-file could not start: ${error.code ?? error.message}`));
    });
    started.on("close", () => {
      // Only the current process's end concerns the waiting reads; one ended for idleness answered them all.
      if (child !== started) return;
      child = undefined;
      buffered = Buffer.alloc(0);
      failAll(new ImageUpdaterError("GIT_FAILED", "git cat-file --batch ended before answering"));
    });
    return started;
  }

  function lookup(name: string): Promise<{ readonly sha: string; readonly bytes: Buffer } | null> {
    if (idle !== undefined) {
      clearTimeout(idle);
      idle = undefined;
    }
    child ??= start();
    holdNodeAlive(true);
    return new Promise((resolve, reject) => {
      waiting.push({ resolve, reject });
      outgoing.push(name);
      if (outgoing.length === 1) process.nextTick(flush);
    });
  }

  return {
    lookup,
    async read(sha) {
      const found = await lookup(sha);
      if (found === null) throw new ImageUpdaterError("GIT_FAILED", `[git-cli] cat-file: ${sha} missing`);
      return found.bytes;
    },
  };
}
