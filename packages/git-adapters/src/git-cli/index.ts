export { groupCommitRequests, type MergeCommitRequestsOptions, mergeCommitRequests } from "./batch.js";
export type { BeforePushContext, CliGitWriterOptions, GitOperation, GitOperationEvent } from "./types.js";
export { createCliGitWriter } from "./writer.js";
