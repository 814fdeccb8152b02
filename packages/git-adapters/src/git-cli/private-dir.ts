import { rmSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessGone, ownIdentity } from "./process-identity.js";

/**
 * One 0700 directory per process for what git's children need on disk: known_hosts files and the sockets of
 * per-connection ssh agents (never a key). Its name carries the owner's PID and start time, so the next
 * process can tell an abandoned one (its owner was killed with `kill -9`) from a live one and remove it.
 */
const PREFIX = "image-updater-run-";
const NAME = /^image-updater-run-(?<pid>\d+)-(?<start>\d+|x)-/;

let dir: Promise<string> | undefined;

/** This process's private directory, created on first use and removed when the process exits. */
export function privateDir(): Promise<string> {
  if (dir === undefined) {
    const self = ownIdentity();
    dir = mkdtemp(join(tmpdir(), `${PREFIX}${self.pid}-${self.startTime ?? "x"}-`));
    dir.then(
      (path) => process.once("exit", () => rmSync(path, { recursive: true, force: true })),
      () => {
        dir = undefined;
      },
    );
  }
  return dir;
}

/** Removes the private directories of processes that are gone. Never throws. */
export async function sweepAbandonedPrivateDirs(): Promise<void> {
  const self = ownIdentity();
  const names = await readdir(tmpdir()).catch(() => [] as string[]);
  await Promise.all(
    names.map(async (name) => {
      const groups = NAME.exec(name)?.groups;
      if (groups === undefined) return;
      const owner = {
        pid: Number(groups.pid),
        host: self.host,
        ...(self.bootId === undefined ? {} : { bootId: self.bootId }),
        ...(groups.start === "x" ? {} : { startTime: groups.start }),
      };
      if (isProcessGone(owner) === true) await rm(join(tmpdir(), name), { recursive: true, force: true });
    }),
  );
}
