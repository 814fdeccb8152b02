export * from "./secret-credentials.js";
export type * from "./types.js";
