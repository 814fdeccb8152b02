export {
  type ArgocdSourceKind,
  type ArgocdSourceOptions,
  argocdSourceFileName,
  DEFAULT_ARGOCD_NAMESPACE,
  editArgocdSource,
  mergeArgocdSourceKustomizeImages,
} from "./argocd-source.js";
export type { EditDiagnostic, EditSeverity } from "./diagnostic.js";
export type { EditResult } from "./edit-runner.js";
export { DEFAULT_HELM_IMAGE_NAME_KEY, DEFAULT_HELM_IMAGE_TAG_KEY, editHelmValues } from "./helm-values.js";
export {
  editKustomization,
  KUSTOMIZATION_FILE_NAMES,
  type KustomizeImageOverride,
  parseKustomizeImageOverride,
  setKustomizeImages,
} from "./kustomization.js";
export type { ImageChange, ImageValueNames } from "./types.js";
