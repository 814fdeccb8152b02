import type { ApplicationRef, ImageUpdaterError, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import type { Logger } from "./logger.js";

/** The seed article's advice for its three frequent errors, printed with each of them. */
export const HINTS = {
  couldNotUpdateImage: "check the registry credentials; check the image name (registries.conf prefix)",
  failedToCommit: "check that the Git key has write access; check the branch protection rules",
  noNewImageFound: "check the tag pattern (allow-tags); check that the image exists in the registry",
} as const;

function app(ref: ApplicationRef): string {
  return `${ref.namespace}/${ref.name}`;
}

function errorFields(error: ImageUpdaterError): Record<string, string | boolean> {
  return { error: error.message, code: error.code, retryable: error.retryable };
}

/** The seed's advice that fits an error, by its code: git access, or registry access. */
function hintFor(error: ImageUpdaterError): string | undefined {
  if (error.code.startsWith("GIT_")) return HINTS.failedToCommit;
  if (error.code.startsWith("REGISTRY_") || error.code === "CREDENTIALS_UNAVAILABLE") return HINTS.couldNotUpdateImage;
  return undefined;
}

function withTag(image: string, tag: string | null): string {
  if (tag === null) return image;
  return tag.startsWith("sha256:") ? `${image}@${tag}` : `${image}:${tag}`;
}

/**
 * Subscribes `logger` to the engine's events and prints argocd-image-updater's log lines (reference §5.7)
 * plus the seed's ("Checking 5 applications", "Setting new image to myapp:1.2.3", "Successfully updated
 * image", and the three errors with their hints). Returns a function that unsubscribes.
 */
export function logUpdaterEvents(events: TypedEmitter<UpdaterEvents>, logger: Logger): () => void {
  const handlers: Partial<UpdaterEvents> = {
    "cycle:started": (e) => {
      logger.info(`Starting image update cycle, considering ${e.applications} annotated application(s) for update`, {
        run: e.runId,
        trigger: e.trigger,
      });
      logger.info(`Checking ${e.applications} applications`, { run: e.runId });
    },
    "cycle:finished": (e) => {
      logger.info(
        `Processing results: applications=${e.applications} images_considered=${e.imagesConsidered} images_skipped=${e.imagesSkipped} images_updated=${e.imagesUpdated} errors=${e.errors}`,
        { run: e.runId, duration_ms: e.durationMs },
      );
    },
    "cycle:deferred": (e) => {
      logger.warn(
        `Cycle budget of ${e.budgetMs} ms spent: ${e.applications.length} application(s) deferred to the next cycle, checked first there`,
        { run: e.runId, applications: e.applications.map(app).join(",") },
      );
    },
    "application:changed": (e) => {
      const fields = { application: app(e.application), change: e.change };
      if (e.checking) logger.info("Application changed, running a cycle", fields);
      else logger.debug("Application changed", fields);
    },
    "source:watch-failed": (e) => {
      logger.warn("Stopped watching the applications; changes wait for the next interval", errorFields(e.error));
    },
    "application:checking": (e) => {
      logger.debug("Processing application", { application: app(e.application) });
    },
    "application:failed": (e) => {
      const hint = hintFor(e.error);
      logger.error("Could not process application", {
        application: app(e.application),
        ...errorFields(e.error),
        ...(hint ? { hint } : {}),
      });
    },
    "config:diagnostic": (e) => {
      const level = e.severity === "error" ? "error" : e.severity === "warning" ? "warn" : "info";
      logger.log(level, e.message, { application: app(e.application), key: e.key });
    },
    "image:updating": (e) => {
      const fields = {
        application: app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        old_tag: e.oldTag,
        new_tag: e.newTag,
        image_digest: e.newDigest,
      };
      logger.info(`Setting new image to ${withTag(e.image, e.newTag)}`, fields);
    },
    "image:up-to-date": (e) => {
      logger.debug(`Image '${withTag(e.image, e.tag)}' already on latest allowed version`, {
        application: app(e.application),
        image_alias: e.alias,
      });
    },
    "image:no-candidate": (e) => {
      // No tag at all usually means a wrong name or prefix; tags that all failed the filters are routine.
      const level = e.tagsFound === 0 ? "warn" : "info";
      logger.log(level, "No new image found", {
        application: app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        tags_found: e.tagsFound,
        reason: e.reason,
        hint: HINTS.noNewImageFound,
      });
    },
    "image:vanished": (e) => {
      logger.warn(`The running tag '${e.tag}' of image '${e.image}' is no longer in the registry`, {
        application: app(e.application),
        image_alias: e.alias,
        image_name: e.image,
      });
    },
    "image:skipped": (e) => {
      logger.info(`Skipping image '${e.image}'`, {
        application: app(e.application),
        image_alias: e.alias,
        reason: e.reason,
      });
    },
    "image:failed": (e) => {
      logger.error("Could not update image", {
        application: app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        ...errorFields(e.error),
        hint: HINTS.couldNotUpdateImage,
      });
    },
    "writeback:committed": (e) => {
      for (const change of e.changes) {
        logger.info(
          `Successfully updated image '${withTag(change.image, change.oldTag)}' to '${withTag(change.image, change.newTag)}'`,
          {
            application: app(change.application),
            method: e.method,
            repository: e.repoUrl ?? undefined,
            branch: e.branch ?? undefined,
            commit: e.sha ?? undefined,
          },
        );
      }
      if (e.method === "argocd") {
        logger.info("Successfully updated the live application spec", {
          applications: e.applications.map(app).join(","),
        });
      }
    },
    "writeback:skipped": (e) => {
      const applications = e.applications.map(app).join(",");
      if (e.reason === "no-change") {
        logger.debug("target parameter file and marshaled data are the same, skipping commit.", { applications });
      } else {
        logger.info(`Dry run - not committing ${e.changes} changes to application`, { applications, reason: e.reason });
      }
    },
    "writeback:failed": (e) => {
      logger.error("Failed to commit", {
        applications: e.applications.map(app).join(","),
        repository: e.repoUrl ?? undefined,
        branch: e.branch ?? undefined,
        ...errorFields(e.error),
        hint: HINTS.failedToCommit,
      });
    },
    "pullrequest:opened": (e) => {
      logger.info(e.created ? "Opened pull request" : "Updated pull request", {
        url: e.url,
        branch: e.branch,
        applications: e.applications.map(app).join(","),
      });
    },
    "registry:request": (e) => {
      logger.trace("Registry request", {
        registry: e.registry,
        method: e.method,
        ...(e.kind === undefined ? {} : { kind: e.kind }),
        ...(e.status === undefined ? {} : { status: e.status }),
        outcome: e.outcome,
        duration_ms: e.durationMs,
      });
    },
  };
  const entries = Object.entries(handlers) as [keyof UpdaterEvents, (...args: never[]) => void][];
  for (const [name, handler] of entries) events.on(name, handler as UpdaterEvents[typeof name]);
  return () => {
    for (const [name, handler] of entries) events.off(name, handler as UpdaterEvents[typeof name]);
  };
}
