/** Limits every YAML reader of the product applies: Application and Secret manifests, and GitOps files. */

/** An Application or Secret manifest is a few KiB; a file this large is not one. */
export const MAX_MANIFEST_FILE_BYTES = 4 * 1024 * 1024;
/** Nesting deeper than this is refused: no manifest nests that far, and walking it costs the stack. */
export const MAX_YAML_DEPTH = 64;
/** Longest mapping key, as YAML allows for implicit keys. */
export const MAX_YAML_KEY_LENGTH = 1024;
/** Documents read per file (the parser slows down superlinearly past that). */
export const MAX_DOCUMENTS_PER_FILE = 1000;
/** Aliases expanded per document (a "billion laughs" file expands to gigabytes). */
export const MAX_YAML_ALIASES = 100;
