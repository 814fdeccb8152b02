export { parseLabelSelectorText } from "./application-filter.js";
export type * from "./events.js";
export {
  type ApplicationImages,
  type ApplicationImagesInput,
  type BranchViews,
  createBranchViews,
  readApplicationImages,
} from "./live-images.js";
export { DEFAULT_COMMIT_AUTHOR } from "./options.js";
export { applyChangesToSource, kustomizeImageKey } from "./source-spec.js";
export type * from "./types.js";
export { createUpdater, Updater } from "./updater.js";
export { locateWriteBack, type WriteBackLocation } from "./write-back-location.js";
