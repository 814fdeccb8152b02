/** Which digest to write next to a new tag: the change's own policy, or the file's when it already pins one. */
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import type { ImageChange } from "./types.js";

/**
 * The digest to write, or `undefined` for tag only. A file that pins a digest keeps pinning when the new
 * digest is known; when it is not, the stale digest is dropped (it would override the new tag) and a warning
 * is added to `diagnostics`.
 */
export function digestToWrite(
  change: ImageChange,
  filePinsDigest: boolean,
  where: string,
  diagnostics: Diagnostic[],
  image?: string,
): string | undefined {
  const known = change.newDigest !== undefined && change.newDigest !== "";
  if (known && (change.pinDigest === true || filePinsDigest)) return change.newDigest;
  if (filePinsDigest) {
    diagnostics.push(
      editDiagnostic(
        "warning",
        where,
        `no digest is known for tag ${change.newTag}; the pinned digest is replaced by the tag alone`,
        image,
      ),
    );
  }
  return undefined;
}
