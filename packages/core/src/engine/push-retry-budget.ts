import type { PushRetryBudget } from "../git/types.js";

/** Push retries a cycle grants per (repository, branch) it writes, by default. */
export const DEFAULT_PUSH_RETRIES_PER_GROUP = 2;

/**
 * A cycle's pool of push retries: `perGroup` for every group to write plus one spare share. One group alone
 * retries as often as a writer does by itself (4 by default); over many groups, a quiet repository leaves its
 * share to a racing one, and a remote that races every push spends the pool once, then every further lost
 * race gives up at once and waits for the next cycle.
 */
export function createPushRetryBudget(perGroup: number, groups: number): PushRetryBudget {
  let remaining = perGroup * (groups + 1);
  return {
    take() {
      if (remaining <= 0) return false;
      remaining--;
      return true;
    },
    get remaining() {
      return remaining;
    },
  };
}
