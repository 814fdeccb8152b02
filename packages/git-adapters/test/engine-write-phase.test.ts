/**
 * The engine's write phase over the git CLI against a real git http-backend: repositories are written a few
 * at a time, each still gets one commit, and one repository is never written twice at once.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createBareRepo,
  type GitHttpServer,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
} from "@image-updater/bench";
import { type Application, createMemoryRegistry, createUpdater, type GitWriter } from "@image-updater/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCliGitWriter, type GitOperationEvent } from "../src/index.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const REPOSITORIES = 6;

function deployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
}

function application(name: string, repoURL: string, path: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: "app=docker.io/org/app",
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    },
    spec: { source: { repoURL, path, targetRevision: "main" } },
  };
}

/** Wraps a writer to record how many commits run at once, overall and per repository. */
function measured(writer: GitWriter) {
  let inFlight = 0;
  const perRepository = new Map<string, number>();
  const peaks = { overall: 0, oneRepository: 0 };
  const wrapped: GitWriter = {
    ...writer,
    openBranch: writer.openBranch.bind(writer),
    async commit(request, signal) {
      const url = request.repository.url;
      inFlight++;
      perRepository.set(url, (perRepository.get(url) ?? 0) + 1);
      peaks.overall = Math.max(peaks.overall, inFlight);
      peaks.oneRepository = Math.max(peaks.oneRepository, perRepository.get(url) ?? 0);
      try {
        return await writer.commit(request, signal);
      } finally {
        inFlight--;
        perRepository.set(url, (perRepository.get(url) ?? 1) - 1);
      }
    },
  };
  return { wrapped, peaks };
}

let server: GitHttpServer;
let cache: string;
beforeAll(async () => {
  server = await startGitHttpServer();
  cache = await mkdtemp(join(tmpdir(), "engine-write-phase-"));
});
afterAll(async () => {
  await server?.stop();
  await rm(cache, { recursive: true, force: true });
});

describe("write phase across repositories", () => {
  it("writes 6 repositories a few at a time, one commit and one push each, never one repository twice at once", async () => {
    const applications: Application[] = [];
    const bares: string[] = [];
    for (let r = 0; r < REPOSITORIES; r++) {
      const files: Record<string, string> = {};
      for (let a = 0; a < 2; a++) {
        files[`app-${a}/deployment.yaml`] = deployment("docker.io/org/app:1.0.0");
        applications.push(application(`r${r}-app-${a}`, server.repoUrl(`deploy-${r}`), `app-${a}`));
      }
      bares.push(await createBareRepo(server.root, `deploy-${r}`, files));
    }
    const operations: GitOperationEvent[] = [];
    const { wrapped, peaks } = measured(
      createCliGitWriter({ cacheDir: join(cache, "git"), onOperation: (event) => operations.push(event) }),
    );
    const registry = createMemoryRegistry({
      images: [
        { registry: "docker.io", repository: "org/app", tags: ["1.0.0"], createdAt: "2026-01-01T00:00:00Z" },
        { registry: "docker.io", repository: "org/app", tags: ["1.1.0"], createdAt: "2026-02-01T00:00:00Z" },
      ],
    });
    const updater = createUpdater({ source: { id: "test", list: async () => applications }, registry, git: wrapped });

    const result = await updater.runOnce();
    await updater.dispose();

    expect(result).toMatchObject({ imagesUpdated: 12, errors: 0 });
    for (const bare of bares) {
      expect(await readBranchLog(bare, "main")).toHaveLength(2);
      expect((await readBranchFiles(bare, "main"))["app-1/deployment.yaml"]).toBe(
        deployment("docker.io/org/app:1.1.0"),
      );
    }
    expect(operations.filter((op) => op.operation === "push" && op.ok)).toHaveLength(REPOSITORIES);
    expect(peaks.oneRepository).toBe(1);
    expect(peaks.overall).toBeGreaterThan(1);
    expect(peaks.overall).toBeLessThanOrEqual(4);
  }, 120_000);
});
