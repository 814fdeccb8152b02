/**
 * Flux image automation setter markers: a scalar followed by `# {"$imagepolicy": "<ns>:<policy>"}` (the full
 * reference `name:tag[@digest]`), or with a `:tag`, `:name` or `:digest` suffix for that part alone, in any
 * YAML file (Deployments, kustomizations, Helm values…). Flux users migrate without editing their files.
 */
import { type Document, isMap, isPair, isScalar, isSeq, type Scalar } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import { type EditResult, type EditStep, imageLabel, runEdits } from "./edit-runner.js";
import { imageNameValue, imageSpecValue } from "./image-value.js";
import type { ImageChange } from "./types.js";
import type { YamlFile } from "./yaml-doc.js";
import { replaceScalar } from "./yaml-doc.js";
import { lineEnd, type Splice, scalarText } from "./yaml-text.js";

/** A setter marker found after a scalar. */
export interface SetterMarker {
  /** `<namespace>:<policy>`. */
  readonly policy: string;
  /** Which part of the reference the scalar holds. */
  readonly field: "full" | "tag" | "name" | "digest";
  readonly node: Scalar;
}

const MARKER = /#\s*(\{.*"\$imagepolicy".*\})\s*$/;

function markerOf(text: string, node: Scalar): Omit<SetterMarker, "node"> | undefined {
  const range = node.range as [number, number, number];
  const rest = text.slice(range[1], lineEnd(text, range[1]));
  const match = MARKER.exec(rest);
  if (match === null) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(match[1] as string);
  } catch {
    return undefined;
  }
  const ref = (parsed as Record<string, unknown>)?.$imagepolicy;
  if (typeof ref !== "string") return undefined;
  const parts = ref.split(":");
  if (parts.length === 2) return { policy: ref, field: "full" };
  const suffix = parts[2];
  if (parts.length === 3 && (suffix === "tag" || suffix === "name" || suffix === "digest")) {
    return { policy: `${parts[0]}:${parts[1]}`, field: suffix };
  }
  return undefined;
}

function walk(doc: Document.Parsed, node: unknown, visit: (scalar: Scalar) => void): void {
  if (isScalar(node)) {
    if (node.range) visit(node as Scalar);
  } else if (isMap(node) || isSeq(node)) {
    for (const item of node.items) {
      if (isPair(item)) walk(doc, item.value, visit);
      else walk(doc, item, visit);
    }
  }
}

/** Every setter marker of `file`, in document order. */
export function setterMarkers(file: YamlFile): SetterMarker[] {
  const out: SetterMarker[] = [];
  for (const doc of file.docs) {
    walk(doc, doc.contents, (scalar) => {
      const marker = markerOf(file.text, scalar);
      if (marker !== undefined) out.push({ ...marker, node: scalar });
    });
  }
  return out;
}

function markerValue(
  marker: SetterMarker,
  change: ImageChange,
  where: string,
  diagnostics: Diagnostic[],
): string | null {
  const current = scalarText(marker.node);
  const label = imageLabel(change);
  switch (marker.field) {
    case "tag":
      return change.newTag;
    case "digest":
      if (change.newDigest === undefined) {
        diagnostics.push(
          editDiagnostic("warning", where, `no digest is known for ${change.newTag}; the marker is left as is`, label),
        );
        return null;
      }
      return change.newDigest;
    case "name":
      return imageNameValue(change, current);
    default:
      return imageSpecValue(change, current, where, diagnostics, label);
  }
}

/**
 * Fills Flux setter markers from `policies` (`"<namespace>:<policy>"` → the change for that policy's image).
 * Markers naming a policy not in `policies` are left alone, as Flux does. `matched` receives the label of
 * every change whose policy has a marker in the file, changed or not.
 */
export function editFluxSetters(
  text: string,
  policies: Readonly<Record<string, ImageChange>>,
  key = "manifest.yaml",
  matched: Set<string> = new Set(),
): EditResult {
  const steps = Object.entries(policies).map(
    ([policy, change]): EditStep => ({
      image: imageLabel(change),
      replacesOnly: true,
      run(file: YamlFile) {
        const splices: Splice[] = [];
        const diagnostics: Diagnostic[] = [];
        for (const marker of setterMarkers(file)) {
          if (marker.policy !== policy) continue;
          matched.add(imageLabel(change));
          const value = markerValue(marker, change, `${key}:${policy}`, diagnostics);
          const splice = value === null ? null : replaceScalar(marker.node, value);
          if (splice !== null) splices.push(splice);
        }
        return { splices, diagnostics };
      },
    }),
  );
  return runEdits(text, key, steps);
}

/** True when `text` holds a setter marker at all (Flux screens files the same way). */
export function mayHoldSetters(text: string): boolean {
  return text.includes('"$imagepolicy"');
}
