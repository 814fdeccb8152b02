export {
  type BranchNameData,
  type BranchNameDataInput,
  type BranchNameImage,
  branchNameData,
  branchNameFromPrefix,
  computeTargetKey,
  MAX_BRANCH_NAME_LENGTH,
  renderBranchName,
  sanitizeBranchName,
} from "./branch-name.js";
export {
  type ApplicationChanges,
  type CommitMessageApplication,
  type CommitMessageChange,
  type CommitMessageData,
  commitMessageData,
  DEFAULT_COMMIT_MESSAGE_TEMPLATE,
  fallbackCommitMessage,
  renderCommitMessage,
} from "./commit-message.js";
export { templateImageName, templateTag } from "./image-name.js";
export { TemplateError, type TemplateErrorOptions } from "./position.js";
export { type ParseTemplateOptions, parseTemplate, renderTemplate, type Template } from "./render.js";
