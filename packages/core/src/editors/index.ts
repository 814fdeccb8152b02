export type { EditDiagnostic, EditSeverity } from "./diagnostic.js";
export type { EditResult } from "./edit-runner.js";
export {
  editKustomization,
  KUSTOMIZATION_FILE_NAMES,
  type KustomizeImageOverride,
  parseKustomizeImageOverride,
  setKustomizeImages,
} from "./kustomization.js";
export type { ImageChange, ImageValueNames } from "./types.js";
