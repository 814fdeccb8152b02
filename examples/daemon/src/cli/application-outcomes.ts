/** Whether every application of the last cycle failed: `run --once` then exits non-zero. */
import type { ApplicationRef, TypedEmitter, UpdaterEvents } from "@image-updater/core";

/** Follows the engine's events and answers for the last cycle. */
export interface ApplicationOutcomes {
  /** True when the last cycle checked at least one application and every one of them failed. */
  allFailed(): boolean;
}

/**
 * An application failed when it could not be read or written back, or when an image of it failed and none
 * of its images came to a decision (updated, up to date, nothing newer, skipped).
 */
export function trackApplicationOutcomes(events: TypedEmitter<UpdaterEvents>): ApplicationOutcomes {
  let checked = new Set<string>();
  let failed = new Set<string>();
  let imageFailed = new Set<string>();
  let decided = new Set<string>();
  const key = (ref: ApplicationRef) => `${ref.namespace}/${ref.name}`;
  events.on("cycle:started", () => {
    checked = new Set();
    failed = new Set();
    imageFailed = new Set();
    decided = new Set();
  });
  events.on("application:checking", (e) => checked.add(key(e.application)));
  events.on("application:failed", (e) => failed.add(key(e.application)));
  events.on("writeback:failed", (e) => {
    for (const application of e.applications) failed.add(key(application));
  });
  events.on("image:failed", (e) => imageFailed.add(key(e.application)));
  for (const name of ["image:updating", "image:up-to-date", "image:no-candidate", "image:skipped"] as const) {
    events.on(name, (e: { readonly application: ApplicationRef }) => decided.add(key(e.application)));
  }
  return {
    allFailed() {
      if (checked.size === 0) return false;
      return [...checked].every((app) => failed.has(app) || (imageFailed.has(app) && !decided.has(app)));
    },
  };
}
