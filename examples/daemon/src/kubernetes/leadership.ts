/** How `run` waits for and keeps the leader election's Lease in Kubernetes mode. */
import type { LeaderElector } from "@image-updater/k8s-source";
import type { Logger } from "../logging/logger.js";

/** The run's signal once this replica leads: aborted on `outer` or when the Lease is lost. */
export interface Leadership {
  /** `null` when `outer` aborted before this replica became the leader. */
  readonly signal: AbortSignal | null;
  /** True once leadership was lost (the run then exits non-zero so the pod restarts as a standby). */
  lost(): boolean;
}

/** Waits until `elector` leads (logging that this replica is a standby meanwhile), or `outer` aborts. */
export async function acquireLeadership(
  elector: LeaderElector,
  outer: AbortSignal | undefined,
  logger: Logger,
): Promise<Leadership> {
  const onAbort = () => void elector.stop();
  outer?.addEventListener("abort", onAbort, { once: true });
  logger.info("Waiting for leadership (standby until then)");
  await elector.whenLeading();
  if (outer?.aborted || !elector.isLeader) return { signal: null, lost: () => false };
  logger.info("Acquired leadership; starting to update");
  const controller = new AbortController();
  outer?.addEventListener("abort", () => controller.abort(outer.reason), { once: true });
  let lost = false;
  elector.onStoppedLeading(() => {
    lost = true;
    logger.error("Lost leadership: the Lease could not be renewed; stopping all work");
    controller.abort(new Error("leadership lost"));
  });
  return { signal: controller.signal, lost: () => lost };
}
