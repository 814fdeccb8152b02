import { ImageUpdaterError } from "@image-updater/core";

/** A `CREDENTIALS_UNAVAILABLE` error naming the source (never its value). */
export function credentialsError(sourceId: string, detail: string, cause?: unknown): ImageUpdaterError {
  return new ImageUpdaterError(
    "CREDENTIALS_UNAVAILABLE",
    `[credentials] ${sourceId}: ${detail}`,
    cause === undefined ? {} : { cause },
  );
}
