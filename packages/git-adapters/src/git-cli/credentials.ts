import { rmSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type GitRepository, GitWriteError } from "@image-updater/core";
import type { ParsedRemoteUrl } from "./remote-url.js";

/** Environment and scrub list for the git processes of one operation; {@link dispose} removes temp files. */
export interface AuthSession {
  /** Variables for every network git command of the operation. */
  readonly env: Readonly<Record<string, string>>;
  /** Strings that must never leave the adapter. */
  readonly secrets: readonly string[];
  dispose(): Promise<void>;
}

const USERNAME_VARIABLE = "IMAGE_UPDATER_GIT_USERNAME";
const PASSWORD_VARIABLE = "IMAGE_UPDATER_GIT_PASSWORD";

// The helper reads the secret from its own environment, so it is never in argv nor in any config file. The
// empty helper first clears any helper from the user's config, which would otherwise be asked to *store* it.
const CREDENTIAL_HELPER = `!f() { test "$1" = get || exit 0; printf 'username=%s\\npassword=%s\\n' "$${USERNAME_VARIABLE}" "$${PASSWORD_VARIABLE}"; }; f`;

/**
 * Prepares credentials for `repository`: https username/password through a credential helper fed from the
 * child's environment; an ssh private key through a 0600 temp file outside any repository and
 * `GIT_SSH_COMMAND`, with host keys checked unless the caller opted out.
 */
export async function openAuthSession(repository: GitRepository, remote: ParsedRemoteUrl): Promise<AuthSession> {
  const credentials = repository.credentials;
  const isHttp = remote.scheme === "http" || remote.scheme === "https";
  const isSsh = remote.scheme === "ssh" || remote.scheme === "scp";

  if (credentials?.kind === "ssh" || (isSsh && credentials === undefined)) {
    if (!isSsh) throw mismatch(remote.url, "an ssh private key needs an ssh:// or user@host:path URL");
    return credentials ? sshSession(credentials) : emptySession();
  }
  const basic = credentials ?? remote.userinfo;
  if (basic === undefined) return emptySession();
  if (!isHttp) throw mismatch(remote.url, "a username and password need an http:// or https:// URL");
  return {
    env: {
      ...configEnv([
        ["credential.helper", ""],
        ["credential.helper", CREDENTIAL_HELPER],
      ]),
      [USERNAME_VARIABLE]: basic.username,
      [PASSWORD_VARIABLE]: basic.password,
    },
    secrets: [basic.password],
    async dispose() {},
  };
}

// Key files of sessions still open, removed synchronously if the process exits before their dispose() runs.
const liveKeyDirs = new Set<string>();
let exitHookInstalled = false;

function trackKeyDir(dir: string): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const live of liveKeyDirs) rmSync(live, { recursive: true, force: true });
    });
  }
  liveKeyDirs.add(dir);
}

async function removeKeyDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  liveKeyDirs.delete(dir);
}

async function sshSession(credentials: {
  readonly privateKey: string;
  readonly knownHosts?: string;
  readonly insecureIgnoreHostKey?: boolean;
}): Promise<AuthSession> {
  const dir = await mkdtemp(join(tmpdir(), "image-updater-ssh-"));
  trackKeyDir(dir);
  try {
    const keyPath = join(dir, "identity");
    const key = credentials.privateKey.endsWith("\n") ? credentials.privateKey : `${credentials.privateKey}\n`;
    await writeFile(keyPath, key, { mode: 0o600 });
    const options = ["-i", keyPath, "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes"];
    if (credentials.insecureIgnoreHostKey === true) {
      options.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
    } else {
      options.push("-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no");
      if (credentials.knownHosts !== undefined) {
        const knownHostsPath = join(dir, "known_hosts");
        await writeFile(knownHostsPath, `${credentials.knownHosts.trim()}\n`, { mode: 0o600 });
        options.push("-o", `UserKnownHostsFile=${knownHostsPath}`, "-o", "GlobalKnownHostsFile=/dev/null");
      }
    }
    return {
      env: { GIT_SSH_COMMAND: ["ssh", ...options].map(shellQuote).join(" "), GIT_SSH_VARIANT: "ssh" },
      secrets: [credentials.privateKey],
      dispose: () => removeKeyDir(dir),
    };
  } catch (error) {
    await removeKeyDir(dir);
    throw error;
  }
}

/** Config for the child passed through `GIT_CONFIG_COUNT`/`KEY_n`/`VALUE_n`: not argv, not a file. */
export function configEnv(entries: readonly (readonly [string, string])[]): Record<string, string> {
  const env: Record<string, string> = { GIT_CONFIG_COUNT: String(entries.length) };
  for (const [index, [key, value]] of entries.entries()) {
    env[`GIT_CONFIG_KEY_${index}`] = key;
    env[`GIT_CONFIG_VALUE_${index}`] = value;
  }
  return env;
}

function emptySession(): AuthSession {
  return { env: {}, secrets: [], async dispose() {} };
}

function mismatch(repoUrl: string, why: string): GitWriteError {
  return new GitWriteError("GIT_AUTH", `[git-cli] credentials for ${repoUrl} do not fit its URL: ${why}`, {
    repoUrl,
  });
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
