/**
 * Engine cost: registry HTTP requests (by kind) and git operations for 1, 10 and 100 applications sharing one
 * image and one GitOps repository, over two cycles: the first one updates every application, the second one
 * finds nothing new. Counts are the metric; the duration column is for orientation only.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo, pushImages, readBranchLog, startGitHttpServer, startRegistry } from "@image-updater/bench";
import {
  type ApplicationSource,
  createUpdater,
  parseRegistriesConf,
  type RegistryHttpRequest,
  withRegistryPolicies,
} from "@image-updater/core";
import { createCliGitWriter, type GitOperationEvent } from "@image-updater/git-adapters";
import { createOciRegistryClient } from "@image-updater/registry-adapters";
import { measureCost } from "./cost.js";
import { deployment, gitApplication } from "./fixtures.js";

const GIT_AUTH = { username: "bench", password: "bench-password" };

/** One cycle's counts. */
export interface EngineBenchRow {
  readonly applications: number;
  readonly cycle: 1 | 2;
  readonly tagRequests: number;
  readonly manifestRequests: number;
  readonly blobRequests: number;
  readonly tokenRequests: number;
  readonly clones: number;
  readonly fetches: number;
  readonly commits: number;
  readonly pushes: number;
  readonly imagesUpdated: number;
  readonly cpuMs: number;
  readonly peakRssMiB: number;
  readonly wallMs: number;
}

/** Runs the scenarios against a token-auth registry and a Basic-auth git server, prints the table. */
export async function main(): Promise<EngineBenchRow[]> {
  const [registry, git] = await Promise.all([startRegistry({ auth: "token" }), startGitHttpServer({ auth: GIT_AUTH })]);
  const scratch = await mkdtemp(join(tmpdir(), "iu-bench-engine-"));
  const rows: EngineBenchRow[] = [];
  try {
    const image = `${registry.host}/myorg/myapp`;
    await pushImages(registry, "myorg/myapp", [
      { tags: ["1.0.0"], created: "2026-01-01T00:00:00Z" },
      { tags: ["1.1.0"], created: "2026-02-01T00:00:00Z" },
      { tags: ["1.2.0-rc.1"], created: "2026-03-01T00:00:00Z" },
      { tags: ["build-7f3a2c1"], created: "2026-04-01T00:00:00Z" },
    ]);
    for (const count of [1, 10, 100]) {
      const names = Array.from({ length: count }, (_, i) => `app-${String(i).padStart(3, "0")}`);
      const repo = `fleet-${count}`;
      const files = Object.fromEntries(
        names.map((name) => [`${name}/deployment.yaml`, deployment(name, `${image}:1.0.0`)]),
      );
      const bare = await createBareRepo(git.root, repo, files);
      // Half semver (tags only), half newest-build (needs each candidate's creation date: manifests and configs).
      const applications = names.map((name, i) =>
        gitApplication({
          name,
          repoURL: git.repoUrl(repo),
          path: name,
          image,
          strategy: i % 2 === 0 ? "semver" : "newest-build",
        }),
      );
      const { endpoints } = parseRegistriesConf(
        `registries:\n- name: bench\n  prefix: ${registry.host}\n  api_url: ${registry.url}\n`,
      );
      const source: ApplicationSource = { id: "bench", list: async () => applications };
      const requests: RegistryHttpRequest[] = [];
      const operations: GitOperationEvent[] = [];
      const updater = createUpdater({
        source,
        endpoints,
        registry: withRegistryPolicies(
          createOciRegistryClient({
            credentials: { [registry.host]: { username: registry.username ?? "", password: registry.password ?? "" } },
            endpoints,
            onRequest: (event) => requests.push(event),
          }),
        ),
        git: createCliGitWriter({ cacheDir: join(scratch, `cache-${count}`), onOperation: (e) => operations.push(e) }),
        gitCredentials: async () => ({ kind: "https", ...GIT_AUTH }),
      });
      try {
        for (const cycle of [1, 2] as const) {
          requests.length = 0;
          operations.length = 0;
          const { value: result, cost } = await measureCost(() => updater.runOnce());
          const kind = (k: RegistryHttpRequest["kind"]) => requests.filter((r) => r.kind === k).length;
          const op = (o: GitOperationEvent["operation"]) => operations.filter((e) => e.operation === o).length;
          rows.push({
            applications: count,
            cycle,
            tagRequests: kind("tags"),
            manifestRequests: kind("manifest"),
            blobRequests: kind("blob"),
            tokenRequests: kind("token"),
            clones: op("clone"),
            fetches: op("fetch"),
            commits: op("commit"),
            pushes: op("push"),
            imagesUpdated: result.imagesUpdated,
            ...cost,
          });
        }
      } finally {
        await updater.dispose();
      }
      console.log(
        `${repo}: ${(await readBranchLog(bare, "main")).length - 1} commit(s) written for ${count} application(s)`,
      );
    }
  } finally {
    await Promise.allSettled([registry.stop(), git.stop()]);
    await rm(scratch, { recursive: true, force: true });
  }
  console.table(rows);
  return rows;
}
