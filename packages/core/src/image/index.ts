export { type ImageListEntry, type ImageListResult, parseImageList, parseImageListEntry } from "./image-list.js";
export {
  formatPlatform,
  matchesPlatform,
  type PlatformListResult,
  type PlatformParseOptions,
  parsePlatform,
  parsePlatformList,
} from "./platform.js";
export {
  DOCKER_HUB_REGISTRY,
  type FormatImageOptions,
  familiarName,
  formatImage,
  type ImageNameStyle,
  type ImageParseOptions,
  type ImageReference,
  normalizeImageName,
  type ParsedImageName,
  parseImageName,
  parseImageReference,
  sameImage,
  splitReference,
} from "./reference.js";
