import { readdirSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  type GitHttpServer,
  generateSshKey,
  readBranchLog,
  type SshGitServer,
  startGitHttpServer,
  startSshGitServer,
} from "@image-updater/bench";
import type { GitRepository } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCliGitWriter } from "../src/index.js";

const PASSWORD = "pw-never-in-ps-7f3a9c";
const AUTHOR = { name: "image-updater", email: "bot@image-updater.test" };

let http: GitHttpServer;
let ssh: SshGitServer;
let cacheDir: string;
let count = 0;

beforeAll(async () => {
  [http, ssh] = await Promise.all([
    startGitHttpServer({ auth: { username: "bot", password: PASSWORD } }),
    startSshGitServer(),
  ]);
  cacheDir = await mkdtemp(join(tmpdir(), "git-cli-secrets-"));
});

afterAll(async () => {
  await Promise.all([http?.stop(), ssh?.stop()]);
  await rm(cacheDir, { recursive: true, force: true });
});

/** Every process command line visible in /proc right now. */
function commandLines(): string[] {
  const lines: string[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " "));
    } catch {
      // the process ended between readdir and read
    }
  }
  return lines;
}

/** Samples command lines from the moment the writer is about to push until `done` settles. */
function sampleWhile(start: Promise<void>, done: Promise<unknown>): Promise<Set<string>> {
  const seen = new Set<string>();
  let finished = false;
  done.then(
    () => {
      finished = true;
    },
    () => {
      finished = true;
    },
  );
  return start.then(async () => {
    while (!finished) {
      for (const line of commandLines()) seen.add(line);
      await new Promise((resolve) => setImmediate(resolve));
    }
    return seen;
  });
}

function secretsOf(repository: GitRepository): string[] {
  const credentials = repository.credentials;
  if (credentials?.kind === "https")
    return [credentials.password, Buffer.from(`bot:${credentials.password}`).toString("base64")];
  if (credentials?.kind === "ssh") {
    return credentials.privateKey.split("\n").filter((line) => line.length > 20 && !line.startsWith("-----"));
  }
  return [];
}

const REMOTES = {
  "smart HTTP with basic auth": async () => {
    const name = `secrets-${++count}`;
    const bare = await createBareRepo(http.root, name, { "values.yaml": "tag: 1\n" });
    const repository: GitRepository = {
      url: http.repoUrl(name),
      credentials: { kind: "https", username: "bot", password: PASSWORD },
    };
    return { bare, repository };
  },
  "SSH with a deploy key": async () => {
    const name = `secrets-${++count}`;
    const bare = await createBareRepo(ssh.root, name, { "values.yaml": "tag: 1\n" });
    const repository: GitRepository = {
      url: ssh.repoUrl(name),
      credentials: { kind: "ssh", privateKey: ssh.deployKey.privateKey, knownHosts: ssh.knownHosts },
    };
    return { bare, repository };
  },
};

describe.each(Object.entries(REMOTES))("git-cli credentials over %s", (_, createRemote) => {
  it("keeps the secret out of every command line during fetch and push, and out of the mirror's config", async () => {
    const { bare, repository } = await createRemote();
    let pushing!: () => void;
    const aboutToPush = new Promise<void>((resolve) => {
      pushing = resolve;
    });
    const writer = createCliGitWriter({ cacheDir, beforePush: () => pushing() });

    const commit = writer.commit({
      repository,
      branch: "main",
      message: "build: automatic update of demo",
      author: AUTHOR,
      changes: [{ type: "write", path: "values.yaml", contents: "tag: 2\n" }],
    });
    const seen = await sampleWhile(aboutToPush, commit);
    await commit;

    expect((await readBranchLog(bare, "main"))[0]?.subject).toBe("build: automatic update of demo");
    // The sampler did run while our push was alive: it saw the push process itself.
    expect([...seen].some((line) => line.includes("push --porcelain origin"))).toBe(true);
    for (const secret of secretsOf(repository)) {
      expect([...seen].filter((line) => line.includes(secret))).toEqual([]);
    }
    const mirrors = readdirSync(cacheDir).filter((entry) => entry.endsWith(".git"));
    for (const mirror of mirrors) {
      const config = await readFile(join(cacheDir, mirror, "config"), "utf8");
      for (const secret of secretsOf(repository)) expect(config).not.toContain(secret);
      expect(config).not.toMatch(/credential|extraheader|sshcommand/i);
    }
  });
});

describe("git-cli credential failures", () => {
  it("rejects GIT_AUTH on a wrong password, naming neither the right nor the wrong one", async () => {
    const name = `secrets-${++count}`;
    await createBareRepo(http.root, name, { "a.txt": "a\n" });
    const writer = createCliGitWriter({ cacheDir });

    const error = await writer
      .openBranch(
        { url: http.repoUrl(name), credentials: { kind: "https", username: "bot", password: "wrong-pw-1234" } },
        "main",
      )
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "GIT_AUTH", retryable: false, repoUrl: http.repoUrl(name) });
    const text = `${(error as Error).message} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
    expect(text).not.toContain("wrong-pw-1234");
    expect(text).not.toContain(PASSWORD);
  });

  it("rejects GIT_AUTH for a key the server does not accept, without key material in the error", async () => {
    const name = `secrets-${++count}`;
    await createBareRepo(ssh.root, name, { "a.txt": "a\n" });
    const writer = createCliGitWriter({ cacheDir });
    const keyDir = await mkdtemp(join(tmpdir(), "git-cli-stranger-"));
    const stranger = await generateSshKey(keyDir, "stranger");
    const credentials = { kind: "ssh" as const, privateKey: stranger.privateKey, knownHosts: ssh.knownHosts };

    const error = await writer.openBranch({ url: ssh.repoUrl(name), credentials }, "main").catch((e: unknown) => e);
    await rm(keyDir, { recursive: true, force: true });

    expect(error).toMatchObject({ code: "GIT_AUTH", retryable: false });
    const text = `${(error as Error).message} ${String((error as Error).cause)} ${JSON.stringify(error)}`;
    for (const line of stranger.privateKey.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"))) {
      expect(text).not.toContain(line);
    }
  });

  it.each([
    ["an unknown host key by default (no known_hosts given)", undefined, false, "GIT_AUTH"],
    [
      "a host key that does not match known_hosts",
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl",
      false,
      "GIT_AUTH",
    ],
    ["any host key with insecureIgnoreHostKey", undefined, true, null],
  ])("checks host keys: %s", async (_, knownHosts, insecureIgnoreHostKey, code) => {
    const name = `secrets-${++count}`;
    await createBareRepo(ssh.root, name, { "a.txt": "a\n" });
    const writer = createCliGitWriter({ cacheDir });
    const credentials = {
      kind: "ssh" as const,
      privateKey: ssh.deployKey.privateKey,
      insecureIgnoreHostKey,
      // The right host and port with another key: a mismatch, not merely an unknown host.
      ...(knownHosts === undefined ? {} : { knownHosts: `[127.0.0.1]:${ssh.port} ${knownHosts}` }),
    };

    const outcome = await writer.openBranch({ url: ssh.repoUrl(name), credentials }, "main").then(
      (files) => files?.readFile("a.txt"),
      (error: { code?: string }) => error.code,
    );

    expect(outcome).toBe(code ?? "a\n");
  });
});
