export type { BeforePushContext, CliGitWriterOptions, GitOperation, GitOperationEvent } from "./types.js";
export { createCliGitWriter } from "./writer.js";
