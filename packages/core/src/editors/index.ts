export type { ImageChange, ImageValueNames } from "./types.js";
