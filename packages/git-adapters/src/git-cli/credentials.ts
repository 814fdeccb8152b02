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
 * child's environment; an ssh private key through the child's environment into a private `ssh-agent` per
 * connection (never a file), with host keys checked unless the caller opted out.
 */
export async function openAuthSession(
  repository: GitRepository,
  remote: ParsedRemoteUrl,
  connectTimeoutMs = 30_000,
): Promise<AuthSession> {
  const credentials = repository.credentials;
  const isHttp = remote.scheme === "http" || remote.scheme === "https";
  const isSsh = remote.scheme === "ssh" || remote.scheme === "scp";

  if (credentials?.kind === "ssh" || (isSsh && credentials === undefined)) {
    if (!isSsh) throw mismatch(remote.url, "an ssh private key needs an ssh:// or user@host:path URL");
    return credentials ? sshSession(credentials, connectTimeoutMs) : plainSshSession(connectTimeoutMs);
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

// Known-hosts files of sessions still open, removed synchronously if the process exits before their dispose() runs.
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

const SSH_KEY_VARIABLE = "IMAGE_UPDATER_SSH_KEY";

// Loads the key from the environment into an agent that lives exactly as long as this one ssh connection
// (`ssh-agent command` exits with its command), then clears the variable so ssh and the remote never see it.
// The key is never written to disk: a process killed mid-push leaves nothing behind to find.
const SSH_WITH_PRIVATE_AGENT = `ssh-agent sh -c 'printf "%s\\n" "$${SSH_KEY_VARIABLE}" | ssh-add -q - >/dev/null 2>&1 || { echo "ssh-add could not load the private key" >&2; exit 255; }; unset ${SSH_KEY_VARIABLE}; exec ssh "$@"' image-updater-ssh`;

/** Options every ssh connection gets: no prompt, and a dead or silent server is given up on. */
export function sshTimeoutOptions(connectTimeoutMs: number): string[] {
  const seconds = String(Math.max(1, Math.ceil(connectTimeoutMs / 1000)));
  return [
    "-o",
    "BatchMode=yes",
    "-o",
    `ConnectTimeout=${seconds}`,
    "-o",
    "ServerAliveInterval=5",
    "-o",
    `ServerAliveCountMax=${Math.max(1, Math.ceil(Number(seconds) / 5))}`,
  ];
}

async function sshSession(
  credentials: {
    readonly privateKey: string;
    readonly knownHosts?: string;
    readonly insecureIgnoreHostKey?: boolean;
  },
  connectTimeoutMs: number,
): Promise<AuthSession> {
  const key = credentials.privateKey.endsWith("\n") ? credentials.privateKey : `${credentials.privateKey}\n`;
  const options = ["-o", "IdentityAgent=SSH_AUTH_SOCK", ...sshTimeoutOptions(connectTimeoutMs)];
  let knownHostsDir: string | undefined;
  if (credentials.insecureIgnoreHostKey === true) {
    options.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
  } else {
    options.push("-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no");
    if (credentials.knownHosts !== undefined) {
      // Public host keys only: nothing secret is written here.
      knownHostsDir = await mkdtemp(join(tmpdir(), "image-updater-known-hosts-"));
      trackKeyDir(knownHostsDir);
      const knownHostsPath = join(knownHostsDir, "known_hosts");
      await writeFile(knownHostsPath, `${credentials.knownHosts.trim()}\n`, { mode: 0o600 });
      options.push("-o", `UserKnownHostsFile=${knownHostsPath}`, "-o", "GlobalKnownHostsFile=/dev/null");
    }
  }
  return {
    env: {
      GIT_SSH_COMMAND: `${SSH_WITH_PRIVATE_AGENT} ${options.map(shellQuote).join(" ")}`,
      GIT_SSH_VARIANT: "ssh",
      [SSH_KEY_VARIABLE]: key,
    },
    secrets: [credentials.privateKey],
    dispose: () => (knownHostsDir === undefined ? Promise.resolve() : removeKeyDir(knownHostsDir)),
  };
}

/** An ssh remote without a key of ours: the user's ssh setup, with the same timeouts. */
function plainSshSession(connectTimeoutMs: number): AuthSession {
  if (process.env.GIT_SSH_COMMAND !== undefined) return emptySession();
  return {
    env: { GIT_SSH_COMMAND: ["ssh", ...sshTimeoutOptions(connectTimeoutMs)].join(" "), GIT_SSH_VARIANT: "ssh" },
    secrets: [],
    async dispose() {},
  };
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
