import type { PullRequestProvider, PullRequestRequest } from "@image-updater/core";
import {
  type DoublePull,
  type HttpDouble,
  startGiteaApiDouble,
  startGitHubApiDouble,
  startGitLabApiDouble,
  startWebhookDouble,
} from "@image-updater/doubles";
import { afterEach, describe, expect, it } from "vitest";
import {
  createGiteaPullRequestProvider,
  createGitHubPullRequestProvider,
  createGitLabPullRequestProvider,
  createWebhookPullRequestProvider,
  pullRequestText,
} from "../src/index.js";

const stops: HttpDouble[] = [];
afterEach(async () => {
  for (const double of stops.splice(0)) await double.stop();
});

function prRequest(url: string, overrides: Partial<PullRequestRequest> = {}): PullRequestRequest {
  return {
    repository: { url },
    head: "image-update/myapp-1.2.3",
    base: "main",
    title: "build: automatic update of myapp",
    body: "updates image myapp tag '1.2.2' to '1.2.3'",
    labels: ["image-update"],
    ...overrides,
  };
}

/** One hosted provider against its double, with accessors that read the double's state the same way. */
interface HostedCase {
  readonly repoUrl: string;
  start(token?: string): Promise<{
    double: HttpDouble;
    provider: PullRequestProvider;
    /** Open pull requests for head/base as [number, title, labels]. */
    open(): Array<[number, string, string[]]>;
    seedOpen(): void;
    raceOnCreate(): void;
  }>;
}

const HOSTED: Record<string, HostedCase> = {
  github: {
    repoUrl: "https://github.com/org/deploy.git",
    async start(token) {
      const double = await startGitHubApiDouble();
      const provider = createGitHubPullRequestProvider({ token: token ?? "ghp_double_token", apiUrl: double.url });
      const open = () => pullsOf(double.pulls);
      return {
        double,
        provider,
        open,
        seedOpen: () => double.seedPull({ head: "image-update/myapp-1.2.3", base: "main" }),
        raceOnCreate: () => {
          double.beforeCreate = () => double.seedPull({ head: "image-update/myapp-1.2.3", base: "main" });
        },
      };
    },
  },
  gitlab: {
    repoUrl: "git@gitlab.example.com:group/deploy.git",
    async start(token) {
      const double = await startGitLabApiDouble();
      const provider = createGitLabPullRequestProvider({ token: token ?? "glpat-double-token", apiUrl: double.url });
      return {
        double,
        provider,
        open: () =>
          double.mergeRequests
            .filter((mr) => mr.state === "opened" && mr.sourceBranch === "image-update/myapp-1.2.3")
            .map((mr) => [mr.iid, mr.title, mr.labels]),
        seedOpen: () => double.seedMergeRequest({ sourceBranch: "image-update/myapp-1.2.3", targetBranch: "main" }),
        raceOnCreate: () => {
          double.beforeCreate = () =>
            double.seedMergeRequest({ sourceBranch: "image-update/myapp-1.2.3", targetBranch: "main" });
        },
      };
    },
  },
  gitea: {
    repoUrl: "https://gitea.example.com/org/deploy.git",
    async start(token) {
      const double = await startGiteaApiDouble();
      const provider = createGiteaPullRequestProvider({ token: token ?? "gitea-double-token", apiUrl: double.url });
      return {
        double,
        provider,
        open: () => pullsOf(double.pulls),
        seedOpen: () => double.seedPull({ head: "image-update/myapp-1.2.3", base: "main" }),
        raceOnCreate: () => {
          double.beforeCreate = () => double.seedPull({ head: "image-update/myapp-1.2.3", base: "main" });
        },
      };
    },
  },
};

function pullsOf(pulls: readonly DoublePull[]): Array<[number, string, string[]]> {
  return pulls
    .filter((pull) => pull.state === "open" && pull.head === "image-update/myapp-1.2.3")
    .map((pull) => [pull.number, pull.title, pull.labels]);
}

describe.each(Object.entries(HOSTED))("%s pull-request provider against its API double", (id, hosted) => {
  it("openOrUpdate() opens a pull request with title, body and labels", async () => {
    const { double, provider, open } = await hosted.start();
    stops.push(double);

    const result = await provider.openOrUpdate(prRequest(hosted.repoUrl));

    expect(provider.id).toBe(id);
    expect(result).toMatchObject({ number: 1, created: true });
    expect(result.url).toMatch(/^https:\/\/.+\/1$/);
    expect(result.warnings).toBeUndefined();
    expect(open()).toEqual([[1, "build: automatic update of myapp", ["image-update"]]]);
  });

  it("openOrUpdate() updates the open pull request for the branch instead of opening a duplicate", async () => {
    const { double, provider, open, seedOpen } = await hosted.start();
    stops.push(double);
    seedOpen();

    const first = await provider.openOrUpdate(prRequest(hosted.repoUrl, { title: "first" }));
    const second = await provider.openOrUpdate(prRequest(hosted.repoUrl, { title: "second" }));

    expect(first).toMatchObject({ number: 1, created: false });
    expect(second).toMatchObject({ number: 1, created: false });
    expect(open()).toEqual([[1, "second", ["image-update"]]]);
    expect(
      double.requests.filter((request) => request.method === "POST" && /pulls$|merge_requests$/.test(request.path)),
    ).toEqual([]);
  });

  it("openOrUpdate() with updateOpen false answers an open pull request after one lookup, leaving it as it was", async () => {
    const { double, provider, open, seedOpen } = await hosted.start();
    stops.push(double);
    seedOpen();
    const [[, title = ""] = []] = open();

    const result = await provider.openOrUpdate(prRequest(hosted.repoUrl, { title: "unchanged", updateOpen: false }));

    expect(result).toMatchObject({ number: 1, created: false });
    expect(open()).toEqual([[1, title, []]]);
    expect(double.requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("openOrUpdate() updates the pull request another client opened between lookup and create", async () => {
    const { double, provider, open, raceOnCreate } = await hosted.start();
    stops.push(double);
    raceOnCreate();

    const result = await provider.openOrUpdate(prRequest(hosted.repoUrl, { title: "ours" }));

    expect(result).toMatchObject({ number: 1, created: false });
    expect(open()).toEqual([[1, "ours", ["image-update"]]]);
  });

  it("openOrUpdate() rejects PULL_REQUEST_FAILED on a bad token, without printing the token", async () => {
    const { double, provider } = await hosted.start("wrong-token-value-1234");
    stops.push(double);

    const error = await provider.openOrUpdate(prRequest(hosted.repoUrl)).catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "PULL_REQUEST_FAILED", status: 401, retryable: false, provider: id });
    expect(String((error as Error).message)).not.toContain("wrong-token-value-1234");
  });
});

describe("github specifics", () => {
  it("sends the token as a Bearer header and filters the lookup by owner:branch and base", async () => {
    const double = await startGitHubApiDouble();
    stops.push(double);
    const provider = createGitHubPullRequestProvider({ token: "ghp_double_token", apiUrl: double.url });

    await provider.openOrUpdate(prRequest("git@github.com:org/deploy.git"));

    const [lookup, create, labels] = double.requests;
    expect(lookup).toMatchObject({
      method: "GET",
      path: "/repos/org/deploy/pulls",
      query: { state: "open", head: "org:image-update/myapp-1.2.3", base: "main" },
      headers: { authorization: "Bearer ghp_double_token", "x-github-api-version": "2022-11-28" },
    });
    expect(create).toMatchObject({ method: "POST", path: "/repos/org/deploy/pulls" });
    expect(labels).toMatchObject({
      method: "POST",
      path: "/repos/org/deploy/issues/1/labels",
      body: { labels: ["image-update"] },
    });
  });

  it("reports a failed labels call as a warning: the pull request stands", async () => {
    const double = await startGitHubApiDouble();
    stops.push(double);
    double.failLabels = true;
    const provider = createGitHubPullRequestProvider({ token: "ghp_double_token", apiUrl: double.url });

    const result = await provider.openOrUpdate(prRequest("https://github.com/org/deploy"));

    expect(result).toMatchObject({ number: 1, created: true });
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings?.[0]).toContain("403");
  });
});

describe("gitlab specifics", () => {
  it("URL-encodes nested group paths and sends labels in the create call", async () => {
    const double = await startGitLabApiDouble({ project: "group/sub/deploy" });
    stops.push(double);
    const provider = createGitLabPullRequestProvider({ token: "glpat-double-token", apiUrl: double.url });

    await provider.openOrUpdate(prRequest("https://gitlab.example.com/group/sub/deploy.git", { labels: ["a", "b"] }));

    expect(double.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      "GET /api/v4/projects/group%2Fsub%2Fdeploy/merge_requests",
      "POST /api/v4/projects/group%2Fsub%2Fdeploy/merge_requests",
    ]);
    expect(double.requests[1]?.body).toMatchObject({ labels: "a,b", source_branch: "image-update/myapp-1.2.3" });
    expect(double.requests[0]?.headers["private-token"]).toBe("glpat-double-token");
  });

  it("follows X-Next-Page to find the open merge request", async () => {
    const double = await startGitLabApiDouble({ maxPerPage: 1 });
    stops.push(double);
    double.seedMergeRequest({ sourceBranch: "image-update/myapp-1.2.3", targetBranch: "main" });
    double.seedMergeRequest({ sourceBranch: "image-update/myapp-1.2.3", targetBranch: "main", state: "closed" });
    const provider = createGitLabPullRequestProvider({ token: "glpat-double-token", apiUrl: double.url });

    const result = await provider.openOrUpdate(prRequest("https://gitlab.example.com/group/deploy.git"));

    expect(result).toMatchObject({ number: 1, created: false });
  });
});

describe("gitea specifics", () => {
  it("pages through every open pull request (Link) to find the branch's one", async () => {
    const double = await startGiteaApiDouble();
    stops.push(double);
    double.seedPull({ head: "image-update/myapp-1.2.3", base: "main" });
    for (let index = 0; index < 120; index++) double.seedPull({ head: `other-${index}`, base: "main" });
    const provider = createGiteaPullRequestProvider({ token: "gitea-double-token", apiUrl: double.url });

    const result = await provider.openOrUpdate(prRequest("https://gitea.example.com/org/deploy.git"));

    expect(result).toMatchObject({ number: 1, created: false });
    expect(double.requests.filter((request) => request.method === "GET")).toHaveLength(3);
    expect(double.requests[0]?.headers.authorization).toBe("token gitea-double-token");
  });

  it("defaults the API base to https://HOST/api/v1 of the repository", async () => {
    const provider = createGiteaPullRequestProvider({ token: "t" });

    const error = await provider
      .openOrUpdate(prRequest("https://127.0.0.1:1/org/deploy.git"))
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ code: "PULL_REQUEST_FAILED", retryable: true });
    expect((error as Error).message).toContain("/api/v1/repos/org/deploy/pulls");
  });
});

describe("webhook provider", () => {
  it("POSTs the branch, title, body and labels with the configured headers, and reads the answer", async () => {
    const double = await startWebhookDouble();
    stops.push(double);
    const provider = createWebhookPullRequestProvider({
      url: double.url,
      headers: { authorization: "Bearer hook-secret-123" },
    });

    const result = await provider.openOrUpdate(prRequest("https://bot:pw-secret@git.example.com/org/deploy.git"));

    expect(result).toEqual({ url: "https://prs.example.com/1", number: 1, created: true });
    expect(double.requests[0]).toMatchObject({
      method: "POST",
      headers: { authorization: "Bearer hook-secret-123", "content-type": "application/json" },
      body: {
        event: "pull-request",
        repository: "https://git.example.com/org/deploy.git",
        head: "image-update/myapp-1.2.3",
        base: "main",
        labels: ["image-update"],
      },
    });
  });

  it.each([
    [500, true],
    [400, false],
  ])("rejects PULL_REQUEST_FAILED on %i (retryable: %s) without printing its headers", async (status, retryable) => {
    const double = await startWebhookDouble();
    stops.push(double);
    double.responses.push({ status, body: { message: "nope" } });
    const provider = createWebhookPullRequestProvider({
      url: double.url,
      headers: { authorization: "Bearer hook-secret-123" },
    });

    const error = await provider
      .openOrUpdate(prRequest("https://git.example.com/org/deploy.git"))
      .catch((e: unknown) => e);

    expect(error).toMatchObject({ code: "PULL_REQUEST_FAILED", status, retryable });
    expect((error as Error).message).not.toContain("hook-secret-123");
  });
});

describe("pullRequestText", () => {
  it.each([
    [
      "build: automatic update of myapp\n\nupdates image myapp",
      "build: automatic update of myapp",
      "updates image myapp",
    ],
    ["single line", "single line", ""],
    ["  padded  \r\n\r\nbody\r\n", "padded", "body"],
  ])("%j → title %j, body %j", (message, title, body) => {
    expect(pullRequestText(message)).toEqual({ title, body });
  });

  it("cuts to the limits by code point", () => {
    expect(pullRequestText(`${"é".repeat(300)}\n${"😀".repeat(10)}`, { body: 3 })).toEqual({
      title: "é".repeat(255),
      body: "😀😀😀",
    });
  });
});
