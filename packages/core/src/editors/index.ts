export {
  type ArgocdSourceKind,
  type ArgocdSourceOptions,
  argocdSourceFileName,
  DEFAULT_ARGOCD_NAMESPACE,
  editArgocdSource,
  mergeArgocdSourceKustomizeImages,
} from "./argocd-source.js";
export {
  type CurrentImagesRequest,
  type CurrentImagesResult,
  readCurrentImages,
  type TargetImage,
  type WatchedImage,
} from "./current.js";
export type { EditResult } from "./edit-runner.js";
export { editFluxSetters, mayHoldSetters } from "./flux-setters.js";
export { DEFAULT_HELM_IMAGE_NAME_KEY, DEFAULT_HELM_IMAGE_TAG_KEY, editHelmValues } from "./helm-values.js";
export {
  editKustomization,
  KUSTOMIZATION_FILE_NAMES,
  type KustomizeImageOverride,
  parseKustomizeImageOverride,
  setKustomizeImages,
} from "./kustomization.js";
export { type ListItem, setListInPlace } from "./list-splice.js";
export { editManifests, MANIFEST_WORKLOAD_KINDS, mayHoldWorkloads } from "./manifests.js";
export { joinRepoPath, resolveRepoPath } from "./path-safety.js";
export {
  type PlanTarget,
  planWriteBack,
  type WriteBackPlan,
  type WriteBackPlanRequest,
} from "./plan.js";
export type { ImageChange, ImageValueNames } from "./types.js";
