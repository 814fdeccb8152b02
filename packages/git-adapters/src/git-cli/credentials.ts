import { randomUUID } from "node:crypto";
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { type GitRepository, GitWriteError } from "@image-updater/core";
import { privateDir } from "./private-dir.js";
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

const SSH_KEY_VARIABLE = "IMAGE_UPDATER_SSH_KEY";

// Loads the key from the environment into an agent that lives exactly as long as this one ssh connection
// (`ssh-agent command` exits with its command), then clears the variable so ssh and the remote never see it.
// The key is never written to disk: a process killed mid-push leaves nothing behind to find.
function sshWithPrivateAgent(socketDir: string): string {
  // `$$` is the shell git starts for this connection: one socket per connection, inside the private dir.
  return `ssh-agent -a ${shellQuote(socketDir)}/agent-$$ sh -c 'printf "%s\\n" "$${SSH_KEY_VARIABLE}" | ssh-add -q - >/dev/null 2>&1 || { echo "ssh-add could not load the private key" >&2; exit 255; }; unset ${SSH_KEY_VARIABLE}; exec ssh "$@"' image-updater-ssh`;
}

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
  const dir = await privateDir();
  let knownHostsPath: string | undefined;
  if (credentials.insecureIgnoreHostKey === true) {
    options.push("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR");
  } else {
    options.push("-o", "StrictHostKeyChecking=yes", "-o", "UpdateHostKeys=no");
    if (credentials.knownHosts !== undefined) {
      // Public host keys only: nothing secret is written here.
      knownHostsPath = join(dir, `known_hosts-${randomUUID()}`);
      await writeFile(knownHostsPath, `${credentials.knownHosts.trim()}\n`, { mode: 0o600 });
      options.push("-o", `UserKnownHostsFile=${knownHostsPath}`, "-o", "GlobalKnownHostsFile=/dev/null");
    }
  }
  return {
    env: {
      GIT_SSH_COMMAND: `${sshWithPrivateAgent(dir)} ${options.map(shellQuote).join(" ")}`,
      GIT_SSH_VARIANT: "ssh",
      [SSH_KEY_VARIABLE]: key,
    },
    secrets: [credentials.privateKey],
    dispose: () => (knownHostsPath === undefined ? Promise.resolve() : rm(knownHostsPath, { force: true })),
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
