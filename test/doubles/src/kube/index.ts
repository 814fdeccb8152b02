export * from "./http-client.js";
export * from "./kube-api-double.js";
export * from "./kubectl.js";
export { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } from "./patch.js";
export * from "./rbac.js";
export * from "./resources.js";
export { ApiFailure, type KubeObject, KubeStore, type StoreEvent } from "./store.js";
