export { parseLabelSelectorText } from "./application-filter.js";
export type * from "./events.js";
export { DEFAULT_COMMIT_AUTHOR } from "./options.js";
export { applyChangesToSource, kustomizeImageKey } from "./source-spec.js";
export type * from "./types.js";
export { createUpdater, Updater } from "./updater.js";
