/**
 * One long-lived `git cat-file --batch` per mirror: every blob a view reads goes through the same process, so
 * a cycle over a thousand applications of one repository starts one process, not one per burst of reads.
 * The process ends after a quiet spell and never keeps Node alive while nothing is asked of it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { ImageUpdaterError } from "@image-updater/core";
import { baseGitEnv } from "./child-env.js";
import { readBlobs } from "./tree-entries.js";

/** Reads blobs by object name. */
export interface BlobReader {
  read(sha: string): Promise<Buffer>;
}

interface Waiting {
  readonly sha: string;
  readonly resolve: (bytes: Buffer) => void;
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

function createBlobReader(gitDir: string): BlobReader {
  let child: ChildProcessWithoutNullStreams | undefined;
  let waiting: Waiting[] = [];
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
    const pending = waiting;
    waiting = [];
    outgoing = [];
    for (const entry of pending) entry.reject(error);
  }

  function drain(): void {
    while (waiting.length > 0) {
      const headerEnd = buffered.indexOf(0x0a);
      if (headerEnd < 0) return;
      const header = buffered.subarray(0, headerEnd).toString("utf8");
      const next = waiting[0] as Waiting;
      const match = /^(?<sha>[0-9a-f]+) (?<type>\w+) (?<size>\d+)$/.exec(header);
      if (!match?.groups) {
        // `<sha> missing` (or anything unexpected) answers this request only.
        buffered = buffered.subarray(headerEnd + 1);
        waiting.shift();
        next.reject(new ImageUpdaterError("GIT_FAILED", `[git-cli] cat-file: ${header}`));
        continue;
      }
      const size = Number(match.groups.size);
      if (buffered.length < headerEnd + 1 + size + 1) return;
      const bytes = Buffer.from(buffered.subarray(headerEnd + 1, headerEnd + 1 + size));
      buffered = buffered.subarray(headerEnd + 1 + size + 1);
      waiting.shift();
      next.resolve(bytes);
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

  return {
    read(sha) {
      if (idle !== undefined) {
        clearTimeout(idle);
        idle = undefined;
      }
      child ??= start();
      holdNodeAlive(true);
      return new Promise<Buffer>((resolve, reject) => {
        waiting.push({ sha, resolve, reject });
        outgoing.push(sha);
        if (outgoing.length === 1) process.nextTick(flush);
      });
    },
  };
}
