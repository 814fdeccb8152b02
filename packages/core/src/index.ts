/**
 * @image-updater/core: contracts, configuration parsing, strategies, editors, templates and the engine.
 * Pure TypeScript: every piece of I/O comes through an interface an adapter implements.
 */
export * from "./config/index.js";
export * from "./editors/index.js";
export * from "./engine/index.js";
export * from "./errors.js";
export * from "./git/index.js";
export * from "./image/index.js";
export * from "./memory/index.js";
export * from "./redact.js";
export * from "./registry/index.js";
export {
  declaredSourceType,
  parameterSource,
  repositoryKey,
  sourcesOf,
  writeBackSource,
} from "./source/application-sources.js";
export type * from "./source/types.js";
export * from "./strategy/index.js";
export * from "./template/index.js";
