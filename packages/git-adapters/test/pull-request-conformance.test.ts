/** Every pull-request provider passes the conformance suite against its API double. */

import { type BackendPull, describePullRequestProviderConformance } from "@image-updater/conformance";
import type { PullRequestProvider } from "@image-updater/core";
import {
  type DoublePull,
  type HttpDouble,
  startGiteaApiDouble,
  startGitHubApiDouble,
  startGitLabApiDouble,
  startWebhookDouble,
} from "@image-updater/doubles";
import {
  createGiteaPullRequestProvider,
  createGitHubPullRequestProvider,
  createGitLabPullRequestProvider,
  createPullRequestProvider,
  createWebhookPullRequestProvider,
} from "../src/index.js";

let running: HttpDouble | undefined;
const cleanup = async () => {
  await running?.stop();
  running = undefined;
};

function openOf(pulls: readonly DoublePull[]): BackendPull[] {
  return pulls.filter((pull) => pull.state === "open");
}

function closeIn(pulls: readonly DoublePull[], number: number): void {
  const pull = pulls.find((candidate) => candidate.number === number);
  if (pull) pull.state = "closed";
}

/** The GitHub double behind a provider built by `build` (the factory itself, or the settings dispatch). */
function githubHarness(build: (apiUrl: string) => PullRequestProvider) {
  return {
    async create() {
      const double = await startGitHubApiDouble();
      running = double;
      return {
        provider: build(double.url),
        repository: { url: "https://github.com/org/deploy.git" },
        openPulls: async () => openOf(double.pulls),
        close: async (number: number) => closeIn(double.pulls, number),
        refuseLabels: async () => {
          double.failLabels = true;
        },
      };
    },
    cleanup,
  };
}

describePullRequestProviderConformance(
  "github (API double)",
  githubHarness((apiUrl) => createGitHubPullRequestProvider({ token: "ghp_double_token", apiUrl })),
);

describePullRequestProviderConformance(
  "github chosen by createPullRequestProvider settings (API double)",
  githubHarness((apiUrl) => createPullRequestProvider({ provider: "github", token: "ghp_double_token", apiUrl })),
);

describePullRequestProviderConformance(
  "gitea (API double)",
  {
    async create() {
      const double = await startGiteaApiDouble();
      running = double;
      return {
        provider: createGiteaPullRequestProvider({ token: "gitea-double-token", apiUrl: double.url }),
        repository: { url: "https://gitea.example.com/org/deploy.git" },
        openPulls: async () => openOf(double.pulls),
        close: async (number) => closeIn(double.pulls, number),
      };
    },
    cleanup,
  },
  {
    skip: {
      "openOrUpdate() reports labels it could not set as a warning, and the pull request is still open":
        "the Gitea double cannot refuse labels",
    },
  },
);

describePullRequestProviderConformance(
  "gitlab (API double)",
  {
    async create() {
      const double = await startGitLabApiDouble();
      running = double;
      return {
        provider: createGitLabPullRequestProvider({ token: "glpat-double-token", apiUrl: double.url }),
        repository: { url: "git@gitlab.example.com:group/deploy.git" },
        async openPulls() {
          return double.mergeRequests
            .filter((mr) => mr.state === "opened")
            .map((mr) => ({
              number: mr.iid,
              head: mr.sourceBranch,
              base: mr.targetBranch,
              title: mr.title,
              body: mr.description,
              labels: mr.labels,
            }));
        },
        async close(number) {
          const mr = double.mergeRequests.find((candidate) => candidate.iid === number);
          if (mr) mr.state = "merged";
        },
      };
    },
    cleanup,
  },
  {
    skip: {
      "openOrUpdate() reports labels it could not set as a warning, and the pull request is still open":
        "GitLab sets labels in the same request that opens the merge request: there is no separate label call to fail",
    },
  },
);

describePullRequestProviderConformance(
  "webhook (receiver double)",
  {
    async create() {
      const double = await startWebhookDouble();
      running = double;
      return {
        provider: createWebhookPullRequestProvider({ url: double.url }),
        repository: { url: "https://git.example.com/org/deploy.git" },
        // The receiver opens one pull request per POST: what it received is what it holds.
        async openPulls() {
          return double.requests.map((request, index) => {
            const body = request.body as Omit<BackendPull, "number">;
            return { ...body, number: index + 1 };
          });
        },
      };
    },
    cleanup,
  },
  {
    skip: {
      "openOrUpdate() updates the open pull request for the same head instead of opening a second one":
        "the receiver decides whether to open or update; the provider reports its answer",
      "openOrUpdate() opens a new pull request once the previous one for that head was closed":
        "pull requests live behind the receiver; the provider cannot close or see them",
      "openOrUpdate() reports labels it could not set as a warning, and the pull request is still open":
        "labels travel in the one POST; the receiver sets them",
    },
  },
);
