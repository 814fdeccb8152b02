/**
 * Leader election on a `coordination.k8s.io/v1` Lease, with client-go's rules: the holder renews every
 * `retryPeriodMs` and steps down when it could not renew for `renewDeadlineMs`; a candidate takes the Lease
 * once it has seen no renewal for `leaseDurationMs` on its own clock (never trusting another node's time).
 * Writes carry the resourceVersion read, so two candidates never both win. Stepping down happens before the
 * Lease can expire (`renewDeadlineMs < leaseDurationMs`), so two replicas never act at the same time.
 */
import type { V1Lease } from "@kubernetes/client-node";
import type { KubeApiError, KubeClient } from "./kube-client.js";

/** Options of {@link createLeaderElector}. */
export interface LeaderElectorOptions {
  readonly client: KubeClient;
  readonly namespace: string;
  /** Lease name. @default argocd-image-updater's "c21b75f2.argoproj.io" */
  readonly name?: string;
  /** This replica's identity (the pod name). */
  readonly identity: string;
  /** @default 10_000 */
  readonly leaseDurationMs?: number;
  /** @default 7_000 */
  readonly renewDeadlineMs?: number;
  /** @default 2_000 */
  readonly retryPeriodMs?: number;
  /** Why an attempt failed (a 403, an unreachable API); the elector keeps trying. */
  readonly onError?: (message: string) => void;
}

/** A running election. */
export interface LeaderElector {
  /** True while this replica holds the Lease. */
  readonly isLeader: boolean;
  /** Resolves when this replica becomes the leader (or `stop` is called first). */
  whenLeading(): Promise<void>;
  /** Registers a callback for losing the Lease after holding it. */
  onStoppedLeading(callback: () => void): void;
  /** Stops campaigning; a leader releases the Lease so a standby takes over at once. */
  stop(): Promise<void>;
}

/** argocd-image-updater's leader election ID, so the two never both run against one Argo CD. */
export const LEADER_ELECTION_ID = "c21b75f2.argoproj.io";

/** Starts campaigning for the Lease. */
export function createLeaderElector(options: LeaderElectorOptions): LeaderElector {
  const { client, namespace, identity } = options;
  const name = options.name ?? LEADER_ELECTION_ID;
  const leaseDurationMs = options.leaseDurationMs ?? 10_000;
  const renewDeadlineMs = options.renewDeadlineMs ?? 7_000;
  const retryPeriodMs = options.retryPeriodMs ?? 2_000;
  const abort = new AbortController();
  const target = (verb: string) => ({ verb, resource: "leases", namespace, name });
  let leader = false;
  let lastRenew = 0;
  let observed: { key: string; at: number } | undefined;
  const stoppedCallbacks: (() => void)[] = [];
  let resolveLeading: () => void = () => {};
  const leading = new Promise<void>((resolve) => {
    resolveLeading = resolve;
  });

  const spec = (transitions: number, acquireTime: Date) => ({
    holderIdentity: identity,
    leaseDurationSeconds: Math.ceil(leaseDurationMs / 1000),
    acquireTime,
    renewTime: new Date(),
    leaseTransitions: transitions,
  });

  /** One attempt to acquire or renew; true when this replica holds the Lease afterwards. */
  const tryAcquireOrRenew = async (): Promise<boolean> => {
    let lease: V1Lease | undefined;
    try {
      lease = await client.call(
        target("get"),
        (o) => client.coordination.readNamespacedLease({ name, namespace }, o),
        abort.signal,
      );
    } catch (error) {
      if ((error as KubeApiError).status !== 404) throw error;
    }
    const now = Date.now();
    if (lease === undefined) {
      const body = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name, namespace },
        spec: spec(0, new Date()),
      };
      await client.call(
        target("create"),
        (o) => client.coordination.createNamespacedLease({ namespace, body: body as never }, o),
        abort.signal,
      );
      return true;
    }
    const holder = lease.spec?.holderIdentity ?? "";
    const key = `${holder}|${String(lease.spec?.renewTime ?? "")}`;
    if (observed?.key !== key) observed = { key, at: now };
    const heldByOther = holder !== "" && holder !== identity;
    const durationMs = (lease.spec?.leaseDurationSeconds ?? leaseDurationMs / 1000) * 1000;
    if (heldByOther && now < (observed?.at ?? now) + durationMs) return false;
    const transitions = (lease.spec?.leaseTransitions ?? 0) + (holder === identity ? 0 : 1);
    const acquireTime = holder === identity && lease.spec?.acquireTime ? new Date(lease.spec.acquireTime) : new Date();
    const body = { ...lease, spec: spec(transitions, acquireTime) };
    await client.call(
      target("update"),
      (o) => client.coordination.replaceNamespacedLease({ name, namespace, body: body as never }, o),
      abort.signal,
    );
    return true;
  };

  const loop = (async () => {
    while (!abort.signal.aborted) {
      let held = false;
      try {
        held = await tryAcquireOrRenew();
      } catch (error) {
        // 409 means another candidate wrote first: not an error worth a log line.
        if (!abort.signal.aborted && (error as KubeApiError).status !== 409) {
          options.onError?.(`leader election on Lease ${namespace}/${name}: ${(error as Error).message}`);
        }
      }
      if (abort.signal.aborted) break;
      if (held) {
        lastRenew = Date.now();
        if (!leader) {
          leader = true;
          resolveLeading();
        }
      } else if (leader && Date.now() - lastRenew >= renewDeadlineMs) {
        leader = false;
        for (const callback of stoppedCallbacks) callback();
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, retryPeriodMs);
        abort.signal.addEventListener(
          "abort",
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
    }
  })();

  return {
    get isLeader() {
      return leader;
    },
    whenLeading: () =>
      Promise.race([
        leading,
        new Promise<void>((resolve) => abort.signal.addEventListener("abort", () => resolve(), { once: true })),
      ]),
    onStoppedLeading(callback) {
      stoppedCallbacks.push(callback);
    },
    async stop() {
      abort.abort();
      await loop;
      if (!leader) return;
      leader = false;
      try {
        const lease = await client.call(target("get"), (o) =>
          client.coordination.readNamespacedLease({ name, namespace }, o),
        );
        if (lease.spec?.holderIdentity !== identity) return;
        // Releasing: an empty holder with a 1 s duration lets a standby take over on its next try.
        const body = { ...lease, spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1 } };
        await client.call(target("update"), (o) =>
          client.coordination.replaceNamespacedLease({ name, namespace, body: body as never }, o),
        );
      } catch (error) {
        options.onError?.(`releasing Lease ${namespace}/${name}: ${(error as Error).message}`);
      }
    },
  };
}
