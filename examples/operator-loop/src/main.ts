/** An operator loop: its own application source, the engine inside, events to its own logs and metrics. */
import { EventEmitter, on } from "node:events";
import {
  type Application,
  type ApplicationEvent,
  type ApplicationSource,
  createMemoryGitWriter,
  createMemoryRegistry,
  createUpdater,
} from "@image-updater/core";

const REPO = "https://git.example/deploy.git";
const changes = new EventEmitter();
const applications = new Map<string, Application>();
const source: ApplicationSource = {
  id: "operator",
  list: async () => [...applications.values()],
  async *watch(options) {
    for await (const [event] of on(changes, "change", { signal: options?.signal })) yield event as ApplicationEvent;
  },
};
function upsert(application: Application): void {
  applications.set(application.name, application);
  changes.emit("change", { type: "upsert", application });
}

const registry = createMemoryRegistry({ images: [{ repository: "team/api", tags: ["1.0.0"] }] });
const git = createMemoryGitWriter();
const deployment =
  "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - image: team/api:1.0.0\n";
git.seed(REPO, { "api/deployment.yaml": deployment });
const updater = createUpdater({ source, registry, git, intervalMs: 60_000 });

const metrics = { updates: 0, failures: 0 };
updater.on("image:updating", (e) => {
  metrics.updates++;
  console.log(`update ${e.application.name}: ${e.oldTag} -> ${e.newTag}`);
});
updater.on("writeback:failed", ({ error }) => {
  metrics.failures++;
  console.error(error.message);
});
const committed = new Promise((resolve) => updater.on("writeback:committed", resolve));
updater.start();
registry.push({ repository: "team/api", tags: ["1.1.0"] });
upsert({
  namespace: "argocd",
  name: "api",
  labels: {},
  annotations: {
    "argocd-image-updater.argoproj.io/image-list": "api=team/api:~1",
    "argocd-image-updater.argoproj.io/write-back-method": "git",
  },
  spec: { source: { repoURL: REPO, path: "api", targetRevision: "main" } },
});
await committed.then(() => updater.dispose());
console.log(git.remote(REPO).read("main", "api/deployment.yaml")?.trim().split("\n").at(-1)?.trim());
console.log(`metrics: ${JSON.stringify(metrics)}`);
