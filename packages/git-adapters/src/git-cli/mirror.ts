import { existsSync } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
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

// The remote URL each mirror's config was last seen to hold, with the config file's identity then: git rewrites
// the file through a lock file and a rename, so an unchanged inode, size and time mean an unchanged URL, and
// the check costs a stat instead of a `git config` process per operation.
const checkedConfigs = new Map<string, { readonly url: string; readonly stamp: string }>();

async function configStamp(gitDir: string): Promise<string | undefined> {
  const info = await stat(join(gitDir, "config"), { bigint: true }).catch(() => undefined);
  return info === undefined ? undefined : `${info.ino}:${info.size}:${info.mtimeNs}`;
}

async function rememberUrl(gitDir: string, url: string): Promise<void> {
  const stamp = await configStamp(gitDir);
  if (stamp === undefined) checkedConfigs.delete(gitDir);
  else checkedConfigs.set(gitDir, { url, stamp });
}

/**
 * Creates the bare mirror with `origin` pointing at `url` (which carries no secret), or repoints `origin` when
 * the URL changed its non-secret parts. Call with the lock held.
 */
export async function ensureMirror(location: MirrorLocation, url: string): Promise<void> {
  if (existsSync(join(location.gitDir, "HEAD"))) {
    const checked = checkedConfigs.get(location.gitDir);
    if (checked?.url === url && checked.stamp === (await configStamp(location.gitDir))) return;
    const current = await runGit(["config", "--get", "remote.origin.url"], { gitDir: location.gitDir }).then(
      (result) => result.stdout.toString("utf8").trim(),
      () => "",
    );
    if (current !== url) await runGit(["config", "remote.origin.url", url], { gitDir: location.gitDir });
    await rememberUrl(location.gitDir, url);
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
    await rememberUrl(location.gitDir, url);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
