import { describe, expect, it } from "vitest";
import { parseApplicationAnnotations } from "../src/config/annotations.js";
import { watchedImage } from "../src/engine/check-image.js";
import { type GitWriteItem, writeBackToGit } from "../src/engine/git-write-back.js";
import type { Application, CommitRequest, GitWriter, ImageChange } from "../src/index.js";
import { memoryFiles } from "./memory-files.js";

const P = "argocd-image-updater.argoproj.io";

/** A git writer double over in-memory trees, one per repository URL as given; it records every commit request. */
function recordingWriter(trees: Record<string, Record<string, string>>): GitWriter & { commits: CommitRequest[] } {
  const commits: CommitRequest[] = [];
  return {
    id: "recording-double",
    commits,
    defaultBranch: async () => "main",
    openBranch: async (repository) => {
      const tree = trees[repository.url];
      return tree === undefined ? null : memoryFiles(tree);
    },
    async commit(request) {
      commits.push(request);
      return { sha: "1".repeat(40), branch: request.branch, branchCreated: false, attempts: 1 };
    },
  };
}

const deployment = (tag: string) =>
  `kind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/org/web:${tag}\n`;

function item(name: string, spec: Application["spec"], extra: Record<string, string> = {}): GitWriteItem {
  const annotations = {
    [`${P}/image-list`]: "web=ghcr.io/org/web",
    [`${P}/write-back-method`]: "git",
    [`${P}/web.helm.image-name`]: "image.repository",
    [`${P}/web.helm.image-tag`]: "image.tag",
    ...extra,
  };
  const application: Application = { namespace: "argocd", name, labels: {}, annotations, spec };
  const config = parseApplicationAnnotations(annotations, { application }).config;
  const change: ImageChange = { ...watchedImage(config.images[0]!), oldTag: "1.0.0", newTag: "1.1.0" };
  return { application, config, changes: [change] };
}

function context(git: GitWriter) {
  return {
    git,
    author: { name: "bot", email: "bot@example.com" },
    messageTemplate: undefined,
    signOff: false,
    gitCredentials: async () => undefined,
    pullRequests: undefined,
    argocdNamespace: "argocd",
    signal: undefined,
  };
}

describe("writeBackToGit groups one commit per repository and branch", () => {
  it("two applications spelling one repository's URL differently share one commit", async () => {
    const tree = { "a/deployment.yaml": deployment("1.0.0"), "b/deployment.yaml": deployment("1.0.0") };
    const git = recordingWriter({
      "https://git.example.com/org/fleet.git": tree,
      "https://GIT.example.com/org/fleet/": tree,
    });

    const outcomes = await writeBackToGit(context(git), [
      item("a", { source: { repoURL: "https://git.example.com/org/fleet.git", path: "a", targetRevision: "main" } }),
      item("b", { source: { repoURL: "https://GIT.example.com/org/fleet/", path: "b", targetRevision: "main" } }),
    ]);

    expect(outcomes.map((outcome) => outcome.status)).toEqual(["committed", "committed"]);
    expect(git.commits).toHaveLength(1);
    expect(git.commits[0]?.changes.map((change) => change.path)).toEqual(["a/deployment.yaml", "b/deployment.yaml"]);
  });

  it("a multi-source Application commits its `$values/…` file to the values repository", async () => {
    const values = "https://git.example.com/org/values.git";
    const git = recordingWriter({
      [values]: { "envs/prod/values.yaml": "image:\n  repository: ghcr.io/org/web\n  tag: 1.0.0\n" },
    });

    await writeBackToGit(context(git), [
      item("multi", {
        sources: [
          {
            repoURL: "https://charts.example.com",
            chart: "web",
            helm: { valueFiles: ["$values/envs/prod/values.yaml"] },
          },
          { repoURL: values, targetRevision: "main", ref: "values" },
        ],
      }),
    ]);

    expect(git.commits.map((commit) => [commit.repository.url, commit.branch])).toEqual([[values, "main"]]);
    const change = git.commits[0]?.changes[0];
    expect(change?.path).toBe("envs/prod/values.yaml");
    expect(change?.type === "edit" ? change.apply("image:\n  repository: ghcr.io/org/web\n  tag: 1.0.0\n") : null).toBe(
      "image:\n  repository: ghcr.io/org/web\n  tag: 1.1.0\n",
    );
  });
});
