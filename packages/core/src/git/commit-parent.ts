/**
 * Which commit a write builds on, for every git writer: the rule that keeps a writer from losing anyone's
 * work on a write branch (`git:branch` write-back) while still rebasing its own branch onto a moved base.
 */

import type { CommitAuthorship } from "./types.js";

/**
 * A commit is ours when it was authored and committed under our email: every writer sets both to the
 * configured author, and a person who amends, rebases or cherry-picks it becomes its committer.
 */
export function isOwnCommit(authorship: CommitAuthorship, email: string): boolean {
  return authorship.author.email === email && authorship.committer.email === email;
}

/** What a writer knows about the two branches at one push attempt. */
export interface CommitParentState {
  readonly branch: string;
  /** The base branch; `undefined` when the commit goes onto `branch` itself. */
  readonly base: string | undefined;
  readonly branchTip: string | null;
  readonly baseTip: string | null;
  /** `baseTip` is an ancestor of `branchTip`. Asked only when both exist. */
  containsBase(): Promise<boolean>;
  /** Every commit on `branch` since `base` was authored and committed by us (and there is at least one). */
  onlyOurs(): Promise<boolean>;
}

/** The parent to build on, and the tip a push must replace exactly (a lease) when it is not a fast-forward. */
export interface CommitParent {
  readonly parent: string;
  readonly lease?: string;
}

/**
 * Picks the commit to build on. The branch itself: its tip. A write branch: created from the base; else its
 * tip when it already contains the base; else, when every commit on it since the base is ours, the base again
 * with a lease on the old tip (a reset); else its tip: never force a branch someone else wrote to.
 * Resolves `{ missing }` naming the branch that should exist and does not; the writer reports it.
 */
export async function chooseCommitParent(state: CommitParentState): Promise<CommitParent | { missing: string }> {
  const writeBranch = state.base !== undefined && state.base !== state.branch;
  if (!writeBranch) return state.branchTip === null ? { missing: state.branch } : { parent: state.branchTip };
  if (state.baseTip === null) {
    return state.branchTip === null ? { missing: state.base ?? state.branch } : { parent: state.branchTip };
  }
  if (state.branchTip === null) return { parent: state.baseTip };
  if (await state.containsBase()) return { parent: state.branchTip };
  return (await state.onlyOurs()) ? { parent: state.baseTip, lease: state.branchTip } : { parent: state.branchTip };
}
