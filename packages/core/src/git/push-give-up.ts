import type { PushGiveUpLimit } from "../errors.js";

/** The words every writer uses for a push that stopped retrying, so logs read the same whichever writer ran. */
export function pushGiveUpReason(limit: PushGiveUpLimit, attempts: number): string {
  const tries = `${attempts} attempt${attempts === 1 ? "" : "s"}`;
  return limit === "budget"
    ? `the branch kept moving; gave up after ${tries}, the cycle's push retry budget is spent`
    : `the branch kept moving; gave up after ${tries}`;
}
