import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { runGit } from "./run-git.js";

/** A bare repository in the cache directory that mirrors one remote's branches under `refs/remotes/origin/`. */
export interface MirrorLocation {
  /** The bare repository. */
  readonly gitDir: string;
  /** Lock file guarding it against other processes. */
  readonly lockPath: string;
}

/** Where the mirror of the remote with cache key `key` lives. */
export function mirrorLocation(cacheDir: string, key: string): MirrorLocation {
  return { gitDir: join(cacheDir, `${key}.git`), lockPath: join(cacheDir, `${key}.lock`) };
}

/** True when the mirror has completed at least one fetch (a later fetch is incremental). */
export function isMirrorWarm(location: MirrorLocation): boolean {
  return existsSync(join(location.gitDir, "FETCH_HEAD"));
}

/**
 * Creates the bare mirror with `origin` pointing at `url` (which carries no secret), or repoints `origin` when
 * the URL changed its non-secret parts. Call with the lock held.
 */
export async function ensureMirror(location: MirrorLocation, url: string): Promise<void> {
  if (existsSync(join(location.gitDir, "HEAD"))) {
    const current = await runGit(["config", "--get", "remote.origin.url"], { gitDir: location.gitDir }).then(
      (result) => result.stdout.toString("utf8").trim(),
      () => "",
    );
    if (current !== url) await runGit(["config", "remote.origin.url", url], { gitDir: location.gitDir });
    return;
  }
  // Built aside and renamed into place, so a crash never leaves a half-configured mirror behind.
  const staging = `${location.gitDir}.${process.pid}.tmp`;
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging, { recursive: true });
  try {
    await runGit(["init", "--bare", "--quiet", staging]);
    const settings: [string, string][] = [
      ["remote.origin.url", url],
      ["remote.origin.fetch", "+refs/heads/*:refs/remotes/origin/*"],
      ["core.logAllRefUpdates", "false"],
      ["gc.autoDetach", "false"],
    ];
    for (const [key, value] of settings) await runGit(["config", key, value], { gitDir: staging });
    await rename(staging, location.gitDir);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
