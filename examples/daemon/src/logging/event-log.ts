import type { ApplicationRef, ImageUpdaterError, TypedEmitter, UpdaterEvents } from "@image-updater/core";
import type { Logger } from "./logger.js";
import { COULD_NOT_UPDATE_IMAGE_HINT, registryFailureHint } from "./registry-failure.js";
import { describeWriteBackFailure, FAILED_TO_COMMIT_HINT } from "./write-back-failure.js";

/** The seed article's advice for its three frequent errors, printed with each of them. */
export const HINTS = {
  couldNotUpdateImage: COULD_NOT_UPDATE_IMAGE_HINT,
  failedToCommit: FAILED_TO_COMMIT_HINT,
  noNewImageFound: "check the tag pattern (allow-tags); check that the image exists in the registry",
} as const;

/** argocd-image-updater's fields: the bare application name, its namespace apart. */
function app(ref: ApplicationRef): { application: string; namespace: string } {
  return { application: ref.name, namespace: ref.namespace };
}

/** Several applications, as one field: bare names when they share a namespace, else `namespace/name`. */
function apps(refs: readonly ApplicationRef[]): string {
  const namespaces = new Set(refs.map((ref) => ref.namespace));
  return refs.map((ref) => (namespaces.size > 1 ? `${ref.namespace}/${ref.name}` : ref.name)).join(",");
}

/** Options of {@link logUpdaterEvents}. */
export interface EventLogOptions {
  /** The run writes nothing: said in argocd-image-updater's "pending spec update (dry run=…)" line. */
  readonly dryRun?: boolean;
}

function errorFields(error: ImageUpdaterError): Record<string, string | boolean> {
  return { error: error.message, code: error.code, retryable: error.retryable };
}

/** The seed's advice that fits an error, by its code: git access, or registry access. */
function hintFor(error: ImageUpdaterError): string | undefined {
  if (error.code.startsWith("GIT_")) return describeWriteBackFailure(error).hint;
  if (error.code.startsWith("REGISTRY_") || error.code === "CREDENTIALS_UNAVAILABLE") return HINTS.couldNotUpdateImage;
  return undefined;
}

function registryOf(error: ImageUpdaterError): string | undefined {
  const registry = (error as { registry?: unknown }).registry;
  return typeof registry === "string" ? registry : undefined;
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
export function logUpdaterEvents(
  events: TypedEmitter<UpdaterEvents>,
  logger: Logger,
  options: EventLogOptions = {},
): () => void {
  // A configuration warning (a deprecated key) repeats every cycle; it is worth one line per application.
  const warned = new Set<string>();
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
        { run: e.runId, applications: apps(e.applications) },
      );
    },
    "application:changed": (e) => {
      const fields = { ...app(e.application), change: e.change };
      if (e.checking) logger.info("Application changed, running a cycle", fields);
      else logger.debug("Application changed", fields);
    },
    "source:watch-failed": (e) => {
      logger.warn("Stopped watching the applications; changes wait for the next interval", errorFields(e.error));
    },
    "application:checking": (e) => {
      logger.debug("Processing application", app(e.application));
    },
    "application:failed": (e) => {
      const hint = hintFor(e.error);
      logger.error("Could not process application", {
        ...app(e.application),
        ...errorFields(e.error),
        ...(hint ? { hint } : {}),
      });
    },
    "config:diagnostic": (e) => {
      const level = e.severity === "error" ? "error" : e.severity === "warning" ? "warn" : "info";
      if (level !== "error") {
        const seen = JSON.stringify([e.application.namespace, e.application.name, e.key, e.message]);
        if (warned.has(seen)) return;
        warned.add(seen);
      }
      logger.log(level, e.message, { ...app(e.application), key: e.key });
    },
    "image:updating": (e) => {
      const fields = {
        ...app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        old_tag: e.oldTag,
        new_tag: e.newTag,
        image_digest: e.newDigest,
      };
      logger.info(`Setting new image to ${withTag(e.image, e.newTag)}`, fields);
      logger.info(
        `Successfully updated image '${withTag(e.image, e.oldTag)}' to '${withTag(e.image, e.newTag)}', but pending spec update (dry run=${options.dryRun === true})`,
        fields,
      );
    },
    "image:up-to-date": (e) => {
      const fields = { ...app(e.application), image_alias: e.alias };
      // The spec already names the new image (not synced yet): argocd-image-updater says so at info.
      if (e.message?.endsWith("already set in spec")) logger.info(e.message, fields);
      else logger.debug(`Image '${withTag(e.image, e.tag)}' already on latest allowed version`, fields);
    },
    "image:no-candidate": (e) => {
      // No tag at all usually means a wrong name or prefix; tags that all failed the filters are routine.
      const level = e.tagsFound === 0 ? "warn" : "info";
      logger.log(level, "No new image found", {
        ...app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        tags_found: e.tagsFound,
        reason: e.reason,
        hint: HINTS.noNewImageFound,
      });
    },
    "image:vanished": (e) => {
      logger.warn(`The running tag '${e.tag}' of image '${e.image}' is no longer in the registry`, {
        ...app(e.application),
        image_alias: e.alias,
        image_name: e.image,
      });
    },
    "image:skipped": (e) => {
      logger.info(`Skipping image '${e.image}'`, {
        ...app(e.application),
        image_alias: e.alias,
        reason: e.reason,
      });
    },
    "image:failed": (e) => {
      logger.error("Could not update image", {
        ...app(e.application),
        image_alias: e.alias,
        image_name: e.image,
        ...errorFields(e.error),
        hint: registryFailureHint(e.error, { registry: registryOf(e.error) ?? e.image.split("/")[0] }),
      });
    },
    "writeback:committed": (e) => {
      for (const application of e.applications) {
        const count = e.changes.filter(
          (c) => c.application.name === application.name && c.application.namespace === application.namespace,
        ).length;
        logger.info(`Committing ${count} parameter update(s) for application ${application.name}`, app(application));
      }
      for (const change of e.changes) {
        logger.info(
          `Successfully updated image '${withTag(change.image, change.oldTag)}' to '${withTag(change.image, change.newTag)}'`,
          {
            ...app(change.application),
            method: e.method,
            repository: e.repoUrl ?? undefined,
            branch: e.branch ?? undefined,
            commit: e.sha ?? undefined,
          },
        );
      }
      if (e.method === "argocd") {
        logger.info("Successfully updated the live application spec", { applications: apps(e.applications) });
      }
    },
    "writeback:skipped": (e) => {
      const applications = apps(e.applications);
      if (e.reason === "no-change") {
        logger.debug("target parameter file and marshaled data are the same, skipping commit.", { applications });
      } else {
        logger.info(`Dry run - not committing ${e.changes} changes to application`, { applications, reason: e.reason });
      }
    },
    "writeback:failed": (e) => {
      const failure = describeWriteBackFailure(e.error);
      logger.error(failure.message, {
        applications: apps(e.applications),
        repository: e.repoUrl ?? undefined,
        branch: e.branch ?? undefined,
        ...errorFields(e.error),
        hint: failure.hint,
      });
    },
    "pullrequest:opened": (e) => {
      logger.info(e.created ? "Opened pull request" : "Updated pull request", {
        url: e.url,
        branch: e.branch,
        applications: apps(e.applications),
      });
    },
    "registry:request": (e) => {
      // argocd-image-updater's line for metadata it did not have to fetch again.
      if (e.cacheHit) {
        logger.debug(`Cache hit for ${e.cacheHit.repository}:${e.cacheHit.reference}`, { registry: e.registry });
      }
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
