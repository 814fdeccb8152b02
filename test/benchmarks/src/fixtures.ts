/** Applications and manifests the git bench rows share. */
import type { Application } from "@image-updater/core";

const PREFIX = "argocd-image-updater.argoproj.io";

/** A one-container Deployment running `image` (with its tag). */
export function deployment(name: string, image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\nspec:\n  template:\n    spec:\n      containers:\n        - name: ${name}\n          image: ${image}\n`;
}

/** An Application watching `image` with `strategy`, written back with git to `main` at `path` of `repoURL`. */
export function gitApplication(options: {
  readonly name: string;
  readonly repoURL: string;
  readonly path: string;
  readonly image: string;
  readonly strategy: string;
}): Application {
  return {
    namespace: "argocd",
    name: options.name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=${options.image}`,
      [`${PREFIX}/app.update-strategy`]: options.strategy,
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    },
    spec: { source: { repoURL: options.repoURL, path: options.path, targetRevision: "main" } },
  };
}
