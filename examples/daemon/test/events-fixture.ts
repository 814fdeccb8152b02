import { EventEmitter } from "node:events";
import { GitWriteError, RegistryError, type TypedEmitter, type UpdaterEvents } from "@image-updater/core";

/** An event emitter typed as the engine's, for feeding subscribers without an engine. */
export function createEventSource(): TypedEmitter<UpdaterEvents> {
  return new EventEmitter() as TypedEmitter<UpdaterEvents>;
}

const staging = { namespace: "argocd", name: "myapp-staging" };
const production = { namespace: "argocd", name: "myapp-production" };

/** One cycle of the seed's two Applications: staging updated, production failing to commit, a registry error. */
export function emitSeedCycle(events: TypedEmitter<UpdaterEvents>, runId = "run-1"): void {
  const image = { runId, alias: "app", image: "docker.io/myorg/myapp" };
  events.emit("cycle:started", { runId, applications: 5, trigger: "interval" });
  events.emit("registry:request", { registry: "docker.io", method: "GET", outcome: "ok", durationMs: 42 });
  events.emit("registry:request", { registry: "docker.io", method: "GET", outcome: "cached", durationMs: 0 });
  events.emit("registry:request", { registry: "ghcr.io", method: "GET", outcome: "unavailable", durationMs: 1500 });
  events.emit("image:updating", { ...image, application: staging, oldTag: "1.0.0", newTag: "1.2.3", newDigest: null });
  events.emit("image:updating", {
    ...image,
    application: production,
    oldTag: "1.0.0",
    newTag: "1.2.3",
    newDigest: null,
  });
  events.emit("image:no-candidate", {
    ...image,
    application: { namespace: "argocd", name: "other" },
    tagsFound: 0,
    reason: "no tags",
  });
  events.emit("image:failed", {
    ...image,
    application: { namespace: "argocd", name: "broken" },
    error: new RegistryError(
      "REGISTRY_AUTH",
      "[oci-distribution] GET https://ghcr.io/v2/x/tags/list: 401 Unauthorized",
      {
        registry: "ghcr.io",
        status: 401,
      },
    ),
  });
  events.emit("writeback:committed", {
    runId,
    method: "git",
    repoUrl: "https://github.com/myorg/manifests.git",
    branch: "main",
    sha: "0123456789abcdef",
    applications: [staging],
    changes: [{ application: staging, image: "docker.io/myorg/myapp", oldTag: "1.0.0", newTag: "1.2.3" }],
  });
  events.emit("writeback:failed", {
    runId,
    repoUrl: "https://github.com/myorg/manifests.git",
    branch: "image-update/myapp-1.2.3",
    applications: [production],
    error: new GitWriteError("GIT_AUTH", "[git-cli] push to https://github.com/myorg/manifests.git refused", {
      repoUrl: "https://github.com/myorg/manifests.git",
    }),
  });
  events.emit("cycle:finished", {
    runId,
    durationMs: 2000,
    applications: 5,
    imagesConsidered: 4,
    imagesSkipped: 0,
    imagesUpdated: 1,
    errors: 2,
  });
}
