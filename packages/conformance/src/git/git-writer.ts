/**
 * Conformance suite for {@link GitWriter}s. A harness hands the suite a fresh remote with the backend-side
 * operations to seed and inspect it ({@link GitRemoteFixture}: `read(branch, path)`, `log(branch)`, …) and a
 * fresh writer. The suite never assumes how the remote is stored: a bare repository on disk behind a git
 * server ({@link bareRemote}), a Git host, or memory. Cases are contract sentences.
 */
import type { CommitRequest, GitWriter } from "@image-updater/core";
import { afterAll, expect } from "vitest";
import { describeCases, type Skips } from "../cases.js";
import type { GitRemoteFixture, SeedFile } from "./remote.js";
import { createSigningKeys, type SigningKeys, SUITE_AUTHOR } from "./signing-keys.js";

/** What the suite needs wired into a writer. */
export interface GitWriterContext {
  /** MUST be called after the writer built a commit and before it pushes it, on every attempt. */
  readonly beforePush: () => Promise<void>;
  /** Extra environment the writer's git processes need: `GNUPGHOME` for OpenPGP signing (empty when no signing case runs). */
  readonly env: Readonly<Record<string, string>>;
}

/** How a writer family plugs into the suite. */
export interface GitWriterHarness {
  /** A fresh, empty remote (`HEAD` → `main`). Called once per test. */
  createRemote(): Promise<GitRemoteFixture>;
  /** A fresh writer for that remote. Called once per test, after {@link createRemote}. */
  createWriter(context: GitWriterContext): Promise<GitWriter>;
  /** Stops what the test started, removes temp dirs. Called after each test. */
  cleanup?(): Promise<void>;
}

interface TestState {
  readonly writer: GitWriter;
  readonly remote: GitRemoteFixture;
  /** Set by a case to run something between the writer's build and push. */
  beforePush: (() => Promise<void>) | undefined;
  readonly signing: SigningKeys;
}

const AUTHOR = SUITE_AUTHOR;

async function verify(remote: GitRemoteFixture, sha: string | null, keys: SigningKeys): Promise<boolean> {
  if (remote.verifySignature === undefined) throw new Error("this case needs verifySignature(); opt out with a reason");
  if (sha === null) throw new Error("the writer made no commit to verify");
  return remote.verifySignature(sha, keys);
}

function request(remote: GitRemoteFixture, overrides: Partial<CommitRequest> = {}): CommitRequest {
  return {
    repository: remote.repository,
    branch: "main",
    message: "build: automatic update of demo",
    author: AUTHOR,
    changes: [{ type: "write", path: "app/values.yaml", contents: "image:\n  tag: 1.2.4\n" }],
    ...overrides,
  };
}

/** Another client commits to `main` before every push of the writer; counts the pushes it beat. */
function raceEveryPush(state: TestState): { readonly pushes: number } {
  const raced = { pushes: 0 };
  state.beforePush = async () => {
    raced.pushes++;
    await state.remote.commit("main", { [`other-${raced.pushes}.txt`]: "x\n" }, `theirs ${raced.pushes}`);
  };
  return raced;
}

const SEED = {
  "README.md": "# deploy\n",
  "app/values.yaml": "image:\n  tag: 1.2.3\n",
  "app/deep/nested/kustomization.yaml": "images: []\n",
  "current.yaml": { symlink: "app/values.yaml" },
} as const satisfies Record<string, SeedFile>;

const CASES = {
  "defaultBranch() resolves the branch the remote's HEAD points at": async ({ writer, remote }: TestState) => {
    await remote.setDefaultBranch("trunk");
    await remote.commit("trunk", { "a.txt": "a\n" }, "trunk");

    expect(await writer.defaultBranch(remote.repository)).toBe("trunk");
  },

  "openBranch() reads files, lists them and reads symlinks at the branch tip": async ({
    writer,
    remote,
  }: TestState) => {
    const tip = await remote.tip("main");

    const files = await writer.openBranch(remote.repository, "main");

    expect(files?.revision).toBe(tip);
    expect(await files?.readFile("app/values.yaml")).toBe(SEED["app/values.yaml"]);
    expect(await files?.readFile("missing.yaml")).toBeNull();
    expect(await files?.readFile("app")).toBeNull();
    expect(await files?.readFile("current.yaml")).toBeNull();
    expect(await files?.readLink("current.yaml")).toBe("app/values.yaml");
    expect(await files?.readLink("README.md")).toBeNull();
    expect(await files?.listFiles("")).toEqual(["README.md", "app/deep/nested/kustomization.yaml", "app/values.yaml"]);
    expect(await files?.listFiles("app/deep")).toEqual(["app/deep/nested/kustomization.yaml"]);
  },

  "openBranch() resolves null for a branch that does not exist, and HEAD to the default branch": async ({
    writer,
    remote,
  }: TestState) => {
    expect(await writer.openBranch(remote.repository, "no-such-branch")).toBeNull();
    expect((await writer.openBranch(remote.repository, "HEAD"))?.revision).toBe(await remote.tip("main"));
  },

  "commit() makes exactly one commit with the message, author and changes, read back by openBranch()": async ({
    writer,
    remote,
  }: TestState) => {
    const before = await remote.tip("main");

    const result = await writer.commit(request(remote));

    expect(result).toEqual({
      sha: await remote.tip("main"),
      branch: "main",
      branchCreated: false,
      attempts: 1,
    });
    const [head, parent] = await remote.log("main");
    expect(head).toMatchObject({ subject: "build: automatic update of demo", author: AUTHOR, committer: AUTHOR });
    expect(parent?.sha).toBe(before);
    expect(await remote.read("main", "app/values.yaml")).toBe("image:\n  tag: 1.2.4\n");
    const files = await writer.openBranch(remote.repository, "main");
    expect(files?.revision).toBe(result.sha);
    expect(await files?.readFile("app/values.yaml")).toBe("image:\n  tag: 1.2.4\n");
  },

  "commit() applies write, edit and delete changes, nested paths included, in one commit": async ({
    writer,
    remote,
  }: TestState) => {
    const result = await writer.commit(
      request(remote, {
        changes: [
          { type: "write", path: "new/dir/file.yaml", contents: "new: true\n" },
          { type: "edit", path: "app/values.yaml", apply: (text) => (text ?? "").replace("1.2.3", "2.0.0") },
          { type: "delete", path: "app/deep/nested/kustomization.yaml" },
          { type: "delete", path: "never-existed.yaml" },
        ],
      }),
    );

    expect(result.sha).not.toBeNull();
    expect(await remote.log("main")).toHaveLength(2);
    expect(await remote.read("main", "new/dir/file.yaml")).toBe("new: true\n");
    expect(await remote.read("main", "app/values.yaml")).toBe("image:\n  tag: 2.0.0\n");
    expect(await remote.read("main", "app/deep/nested/kustomization.yaml")).toBeNull();
    expect(await remote.read("main", "README.md")).toBe("# deploy\n");
  },

  "commit() resolves sha null and pushes nothing when every change is already in place": async ({
    writer,
    remote,
  }: TestState) => {
    const before = await remote.tip("main");

    const result = await writer.commit(
      request(remote, {
        changes: [
          { type: "write", path: "app/values.yaml", contents: SEED["app/values.yaml"] },
          { type: "edit", path: "README.md", apply: (text) => text },
          { type: "delete", path: "not-there.yaml" },
        ],
      }),
    );

    expect(result).toEqual({ sha: null, branch: "main", branchCreated: false, attempts: 1 });
    expect(await remote.tip("main")).toBe(before);
  },

  "commit() adds a Signed-off-by trailer when signOff is set": async ({ writer, remote }: TestState) => {
    await writer.commit(request(remote, { signOff: true }));

    const [head] = await remote.log("main");
    expect(head?.body).toContain(`Signed-off-by: ${AUTHOR.name} <${AUTHOR.email}>`);
  },

  "commit() creates the branch from baseBranch and leaves the base alone": async ({ writer, remote }: TestState) => {
    const base = await remote.tip("main");

    const result = await writer.commit(request(remote, { branch: "image-update/demo-1.2.4", baseBranch: "main" }));

    expect(result).toMatchObject({ branch: "image-update/demo-1.2.4", branchCreated: true, attempts: 1 });
    expect(await remote.tip("main")).toBe(base);
    const [head, parent] = await remote.log("image-update/demo-1.2.4");
    expect(head?.sha).toBe(result.sha);
    expect(parent?.sha).toBe(base);
  },

  "commit() resolves HEAD to the remote's default branch": async ({ writer, remote }: TestState) => {
    const result = await writer.commit(request(remote, { branch: "HEAD" }));

    expect(result.branch).toBe("main");
    expect(await remote.tip("main")).toBe(result.sha);
  },

  "commit() rejects GIT_FAILED when the branch does not exist and no baseBranch is given": async ({
    writer,
    remote,
  }: TestState) => {
    await expect(writer.commit(request(remote, { branch: "nope" }))).rejects.toMatchObject({ code: "GIT_FAILED" });
  },

  "commit() rebuilds on the new tip when another client pushed before our push, keeping both commits in order": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    await remote.denyForcePush();
    let theirs: string | undefined;
    state.beforePush = async () => {
      theirs ??= await remote.commit("main", { "app/values.yaml": "image:\n  tag: 1.2.3\n# theirs\n" }, "theirs");
    };

    const result = await writer.commit(
      request(remote, {
        changes: [{ type: "edit", path: "app/values.yaml", apply: (text) => (text ?? "").replace("1.2.3", "1.2.4") }],
      }),
    );

    expect(result.attempts).toBe(2);
    const log = await remote.log("main");
    expect(log.map((commit) => commit.subject)).toEqual(["build: automatic update of demo", "theirs", "seed"]);
    expect(log[1]?.sha).toBe(theirs);
    expect(await remote.read("main", "app/values.yaml")).toBe("image:\n  tag: 1.2.4\n# theirs\n");
  },

  "commit() rejects GIT_CONFLICT after a bounded number of attempts when the branch keeps moving": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    const raced = raceEveryPush(state);

    await expect(writer.commit(request(remote))).rejects.toMatchObject({ code: "GIT_CONFLICT" });
    expect(raced.pushes).toBeGreaterThan(1);
    expect(raced.pushes).toBeLessThan(20);
    expect((await remote.log("main")).map((commit) => commit.author.email)).not.toContain(AUTHOR.email);
  },

  "commit() stops retrying when the shared retry budget is spent, before its own attempt limit": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    const raced = raceEveryPush(state);
    let left = 1;
    const retryBudget = {
      take: () => left-- > 0,
      get remaining() {
        return Math.max(0, left);
      },
    };

    const error = await writer.commit({ ...request(remote), retryBudget }).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "GIT_CONFLICT", attempts: 2, limit: "budget" });
    expect(raced.pushes).toBe(2);
    expect((await remote.log("main")).map((commit) => commit.subject).slice(0, 2)).toEqual(["theirs 2", "theirs 1"]);
  },

  "commit() signs with an OpenPGP key so that git verify-commit accepts it": async ({
    writer,
    remote,
    signing,
  }: TestState) => {
    const result = await writer.commit(request(remote, { signing: signing.openpgp }));

    expect(await verify(remote, result.sha, signing)).toBe(true);
  },

  "commit() signs with an SSH key so that git verify-commit accepts it": async ({
    writer,
    remote,
    signing,
  }: TestState) => {
    const result = await writer.commit(request(remote, { signing: signing.ssh }));

    expect(await verify(remote, result.sha, signing)).toBe(true);
    const unsigned = await writer.commit(request(remote, { changes: [{ type: "write", path: "u", contents: "u" }] }));
    expect(await verify(remote, unsigned.sha, signing)).toBe(false);
  },

  "commit() fast-forwards an existing write branch that already contains its base": async ({
    writer,
    remote,
  }: TestState) => {
    const branch = "image-update/demo";
    const first = await writer.commit(request(remote, { branch, baseBranch: "main" }));

    const second = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "b.txt", contents: "b\n" }] }),
    );

    expect(second.branchCreated).toBe(false);
    const log = await remote.log(branch);
    expect(log.map((commit) => commit.sha).slice(0, 2)).toEqual([second.sha, first.sha]);
  },

  "commit() rebuilds its own write branch on a moved base, leasing the exact old tip": async ({
    writer,
    remote,
  }: TestState) => {
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    const moved = await remote.commit("main", { "main-only.txt": "m\n" }, "main moved");

    const result = await writer.commit(request(remote, { branch, baseBranch: "main" }));

    const log = await remote.log(branch);
    expect(log.map((commit) => commit.subject)).toEqual(["build: automatic update of demo", "main moved", "seed"]);
    expect(log[1]?.sha).toBe(moved);
    expect(log[0]?.sha).toBe(result.sha);
  },

  "commit() never force-pushes a write branch someone else committed to": async ({ writer, remote }: TestState) => {
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    const foreign = await remote.commit(branch, { "review-fix.txt": "fix\n" }, "review fix");
    await remote.commit("main", { "main-only.txt": "m\n" }, "main moved");
    await remote.denyForcePush();

    const result = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "c.txt", contents: "c\n" }] }),
    );

    const log = await remote.log(branch);
    expect(log[0]?.sha).toBe(result.sha);
    expect(log[1]?.sha).toBe(foreign);
    expect(await remote.read(branch, "review-fix.txt")).toBe("fix\n");
  },

  "commit() keeps a commit pushed to its write branch while it was about to reset it": async (state: TestState) => {
    const { writer, remote } = state;
    const branch = "image-update/demo";
    await writer.commit(request(remote, { branch, baseBranch: "main" }));
    await remote.commit("main", { "main-only.txt": "m\n" }, "main moved");
    let foreign: string | undefined;
    state.beforePush = async () => {
      foreign ??= await remote.commit(branch, { "review-fix.txt": "fix\n" }, "review fix");
    };

    const result = await writer.commit(
      request(remote, { branch, baseBranch: "main", changes: [{ type: "write", path: "c.txt", contents: "c\n" }] }),
    );

    expect(result.attempts).toBe(2);
    const log = await remote.log(branch);
    expect(log.map((commit) => commit.sha)).toContain(foreign);
    expect(log[0]?.sha).toBe(result.sha);
  },

  "commit() rejects GIT_FAILED without retrying when the remote refuses the branch (protected)": async (
    state: TestState,
  ) => {
    const { writer, remote } = state;
    await remote.protectBranch("main");
    let attempts = 0;
    state.beforePush = async () => {
      attempts++;
    };
    const before = await remote.tip("main");

    await expect(writer.commit(request(remote))).rejects.toMatchObject({ code: "GIT_FAILED" });
    expect(attempts).toBe(1);
    expect(await remote.tip("main")).toBe(before);
  },

  "commit() rejects ABORTED when its signal is already aborted": async ({ writer, remote }: TestState) => {
    const controller = new AbortController();
    controller.abort();

    await expect(writer.commit(request(remote), { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type GitWriterCase = keyof typeof CASES;

/** Every case name, in the order the suite runs them. */
export const gitWriterCases = Object.keys(CASES) as readonly GitWriterCase[];

/** Options of {@link describeGitWriterConformance}. */
export interface GitWriterConformanceOptions {
  /** Cases to skip, each with the reason shown in the output. */
  readonly skip?: Skips<GitWriterCase>;
  /** Per-case timeout; remotes behind sshd or CGI need more than the default. @default 60000 */
  readonly timeoutMs?: number;
}

/** The cases that need signing keys (gpg and ssh-keygen) and {@link GitRemoteFixture.verifySignature}. */
export const GIT_SIGNING_CASES = [
  "commit() signs with an OpenPGP key so that git verify-commit accepts it",
  "commit() signs with an SSH key so that git verify-commit accepts it",
] as const satisfies readonly GitWriterCase[];

/** Registers the git writer conformance cases for `name` with vitest. */
export function describeGitWriterConformance(
  name: string,
  harness: GitWriterHarness,
  options: GitWriterConformanceOptions = {},
): void {
  const signs = GIT_SIGNING_CASES.some((title) => options.skip?.[title] === undefined);
  let keys: Promise<SigningKeys> | undefined;
  afterAll(async () => {
    if (keys) await (await keys).dispose();
  });
  describeCases(
    `${name}: GitWriter conformance`,
    CASES as Record<GitWriterCase, (state: TestState) => Promise<void>>,
    { ...options, timeoutMs: options.timeoutMs ?? 60_000 },
    async (runCase) => {
      if (signs) keys ??= createSigningKeys();
      const signing = await (keys ?? NO_KEYS);
      try {
        const remote = await harness.createRemote();
        await remote.commit("main", SEED, "seed");
        const state: TestState = {
          remote,
          signing,
          beforePush: undefined,
          writer: await harness.createWriter({
            beforePush: async () => state.beforePush?.(),
            env: signs ? { GNUPGHOME: signing.gnupgHome } : {},
          }),
        };
        try {
          await runCase(state);
        } finally {
          await state.writer.dispose?.();
        }
      } finally {
        await harness.cleanup?.();
      }
    },
  );
}

/** Stands in when no signing case runs; a case that reaches it has not been opted out properly. */
const NO_KEYS: Promise<SigningKeys> = Promise.resolve({
  gnupgHome: "",
  openpgp: { method: "openpgp", key: "" },
  ssh: { method: "ssh", key: "" },
  allowedSigners: "",
  async dispose() {},
});
