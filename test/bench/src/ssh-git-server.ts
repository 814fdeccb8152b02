import { mkdirSync } from "node:fs";
import { appendFile, chmod, mkdir, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { userInfo } from "node:os";
import { join } from "node:path";
import { BenchError } from "./errors.js";
import { freePort } from "./ports.js";
import { removeTempDir, tempDir, trackService, untrackService } from "./resources.js";
import { runCommand } from "./run-command.js";
import { requireBinary, type ServiceProcess, startServiceProcess, waitUntilReady } from "./service-process.js";
import { generateSshKey, type SshKeyPair } from "./ssh-keys.js";

/** Options of {@link startSshGitServer}. */
export interface SshGitServerOptions {
  /** @default 15000 */
  readonly readyTimeoutMs?: number;
}

/** A running OpenSSH sshd serving git (git-shell) with key-only auth. */
export interface SshGitServer {
  /** "127.0.0.1" */
  readonly host: string;
  readonly port: number;
  /** Directory holding the bare repositories; create them with createBareRepo(root, …). */
  readonly root: string;
  /** "ssh://<user>@127.0.0.1:PORT/<root>/<name>.git" */
  repoUrl(name: string): string;
  /** The authorized ed25519 deploy key. */
  readonly deployKey: SshKeyPair;
  /** An authorized RSA key, for clients that must support RSA too. */
  readonly rsaKey: SshKeyPair;
  /** A known_hosts line for "[127.0.0.1]:PORT" with the server's ed25519 host key. */
  readonly knownHosts: string;
  /** File holding {@link knownHosts}. */
  readonly knownHostsPath: string;
  /** PID of the listening sshd. */
  readonly pid: number;
  /** A GIT_SSH_COMMAND that logs in with `privateKeyPath` (default: the deploy key) and checks the host key. */
  sshCommand(privateKeyPath?: string): string;
  /** Authorizes one more public key (git-shell restricted). */
  authorizeKey(publicKey: string): Promise<void>;
  /** sshd's log so far. */
  logs(): Promise<string>;
  /** Kills sshd and removes keys, config and repositories. Idempotent. */
  stop(): Promise<void>;
}

const MAX_PORT_ATTEMPTS = 5;

function restrictedKeyLine(publicKey: string): string {
  // Only git commands: git-shell runs the original command, no pty, no forwarding.
  return `restrict,command="git-shell -c \\"$SSH_ORIGINAL_COMMAND\\"" ${publicKey.trim()}\n`;
}

function sshdConfig(dir: string, port: number): string {
  return [
    `ListenAddress 127.0.0.1:${port}`,
    `HostKey ${join(dir, "host_ed25519")}`,
    `PidFile ${join(dir, "sshd.pid")}`,
    `AuthorizedKeysFile ${join(dir, "authorized_keys")}`,
    // Keys live under the world-writable temp dir, which StrictModes would reject.
    "StrictModes no",
    "PubkeyAuthentication yes",
    "PasswordAuthentication no",
    "KbdInteractiveAuthentication no",
    "PermitRootLogin prohibit-password",
    "UsePAM no",
    "AllowTcpForwarding no",
    "X11Forwarding no",
    "PrintMotd no",
    "LogLevel VERBOSE",
    "",
  ].join("\n");
}

function sshBanner(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.setTimeout(1000);
    socket.once("data", (chunk: Buffer) => {
      socket.destroy();
      resolve(chunk.toString().startsWith("SSH-2.0"));
    });
    socket.once("error", () => resolve(false));
    socket.once("timeout", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

/**
 * Starts OpenSSH's sshd by hand (`-D -e -f`) on 127.0.0.1 with an ephemeral port, its own host key and an
 * ed25519 deploy key plus an RSA key, both restricted to git-shell. Logs in as the current user.
 */
export async function startSshGitServer(options: SshGitServerOptions = {}): Promise<SshGitServer> {
  const sshd = requireBinary("/usr/sbin/sshd", "openssh-server");
  requireBinary("git-shell", "git");
  const dir = tempDir("sshd");
  try {
    const root = join(dir, "repos");
    await mkdir(root);
    // sshd refuses to start without its privilege separation directory.
    mkdirSync("/run/sshd", { recursive: true });
    const [hostKey, deployKey, rsaKey] = await Promise.all([
      generateSshKey(dir, "host_ed25519"),
      generateSshKey(dir, "deploy_key"),
      generateSshKey(dir, "rsa_key", "rsa"),
    ]);
    const authorizedKeys = join(dir, "authorized_keys");
    await writeFile(authorizedKeys, restrictedKeyLine(deployKey.publicKey) + restrictedKeyLine(rsaKey.publicKey));
    await chmod(authorizedKeys, 0o600);

    let service: ServiceProcess | undefined;
    let port = 0;
    for (let attempt = 1; service === undefined; attempt++) {
      port = await freePort();
      const configPath = join(dir, "sshd_config");
      await writeFile(configPath, sshdConfig(dir, port));
      const check = await runCommand(sshd, ["-t", "-f", configPath], { allowFailure: true });
      if (check.code !== 0) throw new BenchError(`sshd rejected its config: ${check.stderr.trim()}`);
      const candidate = startServiceProcess(sshd, ["-D", "-e", "-f", configPath], { logFile: join(dir, "sshd.log") });
      try {
        await waitUntilReady(
          "sshd",
          candidate,
          async () =>
            (await candidate.logs()).includes(`Server listening on 127.0.0.1 port ${port}.`) && sshBanner(port),
          options.readyTimeoutMs,
        );
        service = candidate;
      } catch (error) {
        await candidate.stop();
        const inUse = /Address already in use|Cannot bind any address/.test(await candidate.logs());
        if (!inUse || attempt >= MAX_PORT_ATTEMPTS) throw error;
      }
    }

    const running = service;
    const user = userInfo().username;
    const hostPublic = hostKey.publicKey.split(" ").slice(0, 2).join(" ");
    const knownHosts = `[127.0.0.1]:${port} ${hostPublic}`;
    const knownHostsPath = join(dir, "known_hosts");
    await writeFile(knownHostsPath, `${knownHosts}\n`);
    let stopped: Promise<void> | undefined;
    const server: SshGitServer = {
      host: "127.0.0.1",
      port,
      root,
      repoUrl: (name) => `ssh://${user}@127.0.0.1:${port}${root}/${name.endsWith(".git") ? name : `${name}.git`}`,
      deployKey,
      rsaKey,
      knownHosts,
      knownHostsPath,
      pid: running.pid,
      sshCommand: (privateKeyPath = deployKey.privateKeyPath) =>
        [
          "ssh",
          `-i ${privateKeyPath}`,
          "-o IdentitiesOnly=yes",
          "-o BatchMode=yes",
          `-o UserKnownHostsFile=${knownHostsPath}`,
          "-o StrictHostKeyChecking=yes",
          "-o LogLevel=ERROR",
        ].join(" "),
      authorizeKey: (publicKey) => appendFile(authorizedKeys, restrictedKeyLine(publicKey)),
      logs: () => running.logs(),
      stop() {
        stopped ??= (async () => {
          untrackService(server);
          await running.stop();
          await removeTempDir(dir);
        })();
        return stopped;
      },
    };
    trackService(server);
    return server;
  } catch (error) {
    await removeTempDir(dir);
    throw error;
  }
}
