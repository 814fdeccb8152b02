/**
 * Git write-back cost: git operations and HTTP requests at the remote for one cycle that changes 1 or 100
 * applications in one repository, written the argocd-image-updater way (fresh clone, one commit and push per
 * application) and our way (warm mirror, one commit per branch). Prints one table.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createBareRepo, type GitHttpServer, readBranchLog, startGitHttpServer } from "@image-updater/bench";
import type { CommitRequest } from "@image-updater/core";
import { createCliGitWriter, type GitOperationEvent } from "@image-updater/git-adapters";

const AUTH = { username: "bench", password: "bench-password" };

/** One scenario's counts. */
export interface GitBenchRow {
  readonly scenario: string;
  readonly applications: number;
  readonly clones: number;
  readonly fetches: number;
  readonly commits: number;
  readonly pushes: number;
  readonly httpRequests: number;
  readonly ms: number;
}

function requestFor(server: GitHttpServer, repo: string, app: number, tag: string): CommitRequest {
  return {
    repository: { url: server.repoUrl(repo), credentials: { kind: "https", ...AUTH } },
    branch: "main",
    message: `build: automatic update of app-${app}\n\nupdates image app-${app} tag to '${tag}'`,
    author: { name: "argocd-image-updater", email: "noreply@argoproj.io" },
    changes: [
      {
        type: "edit",
        path: `apps/app-${app}/.argocd-source-app-${app}.yaml`,
        apply: () => `helm:\n  parameters:\n  - name: image.tag\n    value: "${tag}"\n    forcestring: true\n`,
      },
    ],
  };
}

async function measure(
  server: GitHttpServer,
  scenario: string,
  applications: number,
  write: (onOperation: (event: GitOperationEvent) => void) => Promise<void>,
): Promise<GitBenchRow> {
  const events: GitOperationEvent[] = [];
  const before = server.requests.length;
  const started = performance.now();
  await write((event) => events.push(event));
  const count = (operation: GitOperationEvent["operation"]) => events.filter((e) => e.operation === operation).length;
  return {
    scenario,
    applications,
    clones: count("clone"),
    fetches: count("fetch"),
    commits: count("commit"),
    pushes: count("push"),
    httpRequests: server.requests.length - before,
    ms: Math.round(performance.now() - started),
  };
}

/** Runs the scenarios and prints the table. */
export async function main(): Promise<GitBenchRow[]> {
  const server = await startGitHttpServer({ auth: AUTH });
  const scratch = await mkdtemp(join(tmpdir(), "iu-bench-git-"));
  const rows: GitBenchRow[] = [];
  try {
    for (const applications of [1, 100]) {
      const apps = Array.from({ length: applications }, (_, index) => index);
      const repo = `deploy-${applications}`;
      const bare = await createBareRepo(server.root, repo, { "README.md": "# deploy\n" });

      // Per application: a fresh clone, one commit, one push (what argocd-image-updater does).
      rows.push(
        await measure(server, "fresh clone per application", applications, async (onOperation) => {
          for (const app of apps) {
            const writer = createCliGitWriter({ cacheDir: join(scratch, `fresh-${applications}-${app}`), onOperation });
            await writer.commit(requestFor(server, repo, app, "1.0.0"));
          }
        }),
      );

      // Warm mirror, one commit per branch per cycle: a first cycle (cold cache) and a second one.
      const cacheDir = join(scratch, `mirror-${applications}`);
      for (const [cycle, tag] of [
        ["cold", "1.0.1"],
        ["warm", "1.0.2"],
      ] as const) {
        rows.push(
          await measure(server, `mirror + batch (${cycle} cache)`, applications, async (onOperation) => {
            const writer = createCliGitWriter({ cacheDir, onOperation });
            // One request for every application's change, as the engine sends one commit per branch.
            const requests = apps.map((app) => requestFor(server, repo, app, tag));
            await writer.commit({ ...requests[0]!, changes: requests.flatMap((request) => request.changes) });
          }),
        );
      }
      const commits = (await readBranchLog(bare, "main")).length;
      console.log(`${repo}: ${commits} commits on main after the three cycles`);
    }
  } finally {
    await server.stop();
    await rm(scratch, { recursive: true, force: true });
  }
  console.table(rows);
  return rows;
}
