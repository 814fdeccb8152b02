export { type CommitParent, type CommitParentState, chooseCommitParent } from "./commit-parent.js";
export * from "./secret-credentials.js";
export type * from "./types.js";
