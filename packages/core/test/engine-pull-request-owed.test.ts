/**
 * A write branch whose tip we wrote and that has no open pull request gets one on a later cycle, even though
 * that cycle commits nothing: after a refused token, and when the provider is configured after the branch
 * was pushed. Over core's memory adapters; the same repros run end to end in the daemon's tests.
 */
import { describe, expect, it } from "vitest";
import {
  type Application,
  createMemoryGitWriter,
  createMemoryPullRequests,
  createMemoryRegistry,
  createMemorySource,
  createUpdater,
  ImageUpdaterError,
  type MemoryGitWriter,
  type PullRequestProvider,
  type UpdaterEvents,
} from "../src/index.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const REPO = "https://git.example.test/org/deploy.git";
const BRANCH = "image-update/web";

const deployment = (tag: string) =>
  `apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          image: docker.io/org/web:${tag}\n`;

function application(name: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: "web=docker.io/org/web",
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: `main:${BRANCH}`,
    },
    spec: { source: { repoURL: REPO, path: `apps/${name}`, targetRevision: "main" } },
  };
}

const registry = () =>
  createMemoryRegistry({
    images: [
      { registry: "docker.io", repository: "org/web", tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
      { registry: "docker.io", repository: "org/web", tags: ["1.1.0"], createdAt: "2026-02-01T00:00:00Z" },
    ],
  });

function gitWith(...names: string[]): MemoryGitWriter {
  const git = createMemoryGitWriter();
  git.seed(REPO, Object.fromEntries(names.map((name) => [`apps/${name}/deployment.yaml`, deployment("1.0.0")])));
  return git;
}

/** One cycle of a fresh updater over the same remote, registry and source; resolves its events by name. */
async function cycle(git: MemoryGitWriter, pullRequests: PullRequestProvider | undefined, names = ["web"]) {
  const events: { name: keyof UpdaterEvents; payload: unknown }[] = [];
  const updater = createUpdater({
    source: createMemorySource({ applications: names.map(application) }),
    registry: registry(),
    git,
    ...(pullRequests === undefined ? {} : { pullRequests }),
  });
  updater.on("writeback:committed", (payload) => events.push({ name: "writeback:committed", payload }));
  updater.on("writeback:failed", (payload) => events.push({ name: "writeback:failed", payload }));
  updater.on("pullrequest:opened", (payload) => events.push({ name: "pullrequest:opened", payload }));
  const result = await updater.runOnce();
  await updater.dispose();
  return { result, events, named: (name: keyof UpdaterEvents) => events.filter((e) => e.name === name) };
}

/** The memory provider behind a switch that answers as an API refusing an expired token does. */
function switchable() {
  const pulls = createMemoryPullRequests();
  const provider = {
    id: "memory",
    tokenValid: false,
    calls: 0,
    async openOrUpdate(...args: Parameters<PullRequestProvider["openOrUpdate"]>) {
      provider.calls++;
      if (!provider.tokenValid) throw new ImageUpdaterError("PULL_REQUEST_FAILED", "[memory] 401 Bad credentials");
      return pulls.openOrUpdate(...args);
    },
  };
  return { provider, pulls };
}

describe("a pull request owed by an earlier cycle", () => {
  it("is opened on the next cycle after the API refused the token, without a second commit", async () => {
    const git = gitWith("web");
    const { provider, pulls } = switchable();

    const first = await cycle(git, provider);
    expect(first.named("writeback:failed")).toMatchObject([
      { payload: { branch: BRANCH, error: { code: "PULL_REQUEST_FAILED", message: "[memory] 401 Bad credentials" } } },
    ]);
    const pushed = git.remote(REPO).tip(BRANCH);
    expect(git.remote(REPO).read(BRANCH, "apps/web/deployment.yaml")).toBe(deployment("1.1.0"));

    provider.tokenValid = true;
    const second = await cycle(git, provider);
    expect(git.remote(REPO).tip(BRANCH)).toBe(pushed);
    expect(second.named("writeback:committed")).toEqual([]);
    expect(second.named("pullrequest:opened")).toMatchObject([{ payload: { created: true, branch: BRANCH } }]);
    expect(pulls.pulls).toMatchObject([{ head: BRANCH, base: "main", state: "open", title: expect.any(String) }]);
    expect(second.result.errors).toBe(0);
    expect(provider.calls).toBe(2);

    // Every later cycle looks once, finds it open, and leaves it alone: no duplicate, no event.
    const third = await cycle(git, provider);
    expect(provider.calls).toBe(3);
    expect(pulls.calls.at(-1)).toMatchObject({ head: BRANCH, updateOpen: false });
    expect(pulls.pulls).toHaveLength(1);
    expect(third.named("pullrequest:opened")).toEqual([]);
    expect(third.result.results[0]?.pullRequest).toBe(pulls.pulls[0]?.url);
  });

  it("is opened once the provider is configured after the branch was pushed", async () => {
    const git = gitWith("web", "api");
    await cycle(git, undefined, ["web", "api"]);
    expect(git.remote(REPO).read(BRANCH, "apps/api/deployment.yaml")).toBe(deployment("1.1.0"));

    const { provider, pulls } = switchable();
    provider.tokenValid = true;
    const later = await cycle(git, provider, ["web", "api"]);

    // Two applications share the branch: one lookup for it, one pull request.
    expect(provider.calls).toBe(1);
    expect(pulls.pulls).toMatchObject([{ head: BRANCH, base: "main" }]);
    expect(later.named("pullrequest:opened")).toMatchObject([
      { payload: { created: true, applications: [{ name: "web" }, { name: "api" }] } },
    ]);
  });

  it("is not opened for a branch whose tip someone else wrote", async () => {
    const git = gitWith("web");
    await cycle(git, undefined);
    git.remote(REPO).commit(BRANCH, { "NOTES.md": "reviewing this\n" }, "notes: mine");
    const { provider } = switchable();
    provider.tokenValid = true;

    const later = await cycle(git, provider);

    expect(provider.calls).toBe(0);
    expect(later.named("pullrequest:opened")).toEqual([]);
  });
});
