/**
 * Plain Kubernetes manifests (Directory applications, the seed's `deployment.yaml`): every container,
 * init container and ephemeral container image of Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets,
 * ReplicationControllers, Jobs, CronJobs, PodTemplates and Argo Rollouts, in every document of the file
 * (and inside `kind: List`). Images match by normalised name; the file's spelling of the name is kept.
 */
import { type Document, isMap, isScalar, isSeq, type Scalar } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { digestToWrite } from "./digest-policy.js";
import { type EditResult, type EditStep, imageLabel, runEdits } from "./edit-runner.js";
import { joinImage, sameImageName, splitImage } from "./image-match.js";
import type { ImageChange } from "./types.js";
import { findPair, replaceScalar, resolve, type YamlFile } from "./yaml-doc.js";
import { type Splice, scalarText } from "./yaml-text.js";

/** Where the pod spec sits in each workload kind. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  Rollout: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** Workload kinds whose container images are edited. */
export const MANIFEST_WORKLOAD_KINDS: readonly string[] = Object.keys(POD_SPEC_PATHS);

const CONTAINER_LISTS = ["initContainers", "containers", "ephemeralContainers"];

/** One container `image:` value found in a manifest. */
export interface ContainerImage {
  /** `<kind>/<name>` of the workload. */
  readonly workload: string;
  /** Field path, e.g. `spec.template.spec.containers[0].image`. */
  readonly path: string;
  readonly node: Scalar;
}

function child(doc: Document.Parsed, map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  return resolve(doc, findPair(map, key)?.value);
}

function text(node: unknown): string {
  return isScalar(node) ? scalarText(node as Scalar) : "";
}

function collect(doc: Document.Parsed, node: unknown, out: ContainerImage[]): void {
  if (!isMap(node)) return;
  const kind = text(child(doc, node, "kind"));
  if (kind === "List" || kind.endsWith("List")) {
    const items = child(doc, node, "items");
    if (isSeq(items)) for (const item of items.items) collect(doc, resolve(doc, item), out);
    return;
  }
  const path = POD_SPEC_PATHS[kind];
  if (path === undefined) return;
  const name = text(child(doc, child(doc, node, "metadata"), "name"));
  let spec: unknown = node;
  for (const key of path) spec = child(doc, spec, key);
  if (!isMap(spec)) return;
  for (const list of CONTAINER_LISTS) {
    const containers = child(doc, spec, list);
    if (!isSeq(containers)) continue;
    for (const [index, container] of containers.items.entries()) {
      const image = child(doc, resolve(doc, container), "image");
      if (isScalar(image) && image.range) {
        out.push({
          workload: `${kind}/${name}`,
          path: `${path.join(".")}.${list}[${index}].image`,
          node: image as Scalar,
        });
      }
    }
  }
}

/** Every container image of every workload in `file`. */
export function containerImages(file: YamlFile): ContainerImage[] {
  const out: ContainerImage[] = [];
  for (const doc of file.docs) collect(doc, resolve(doc, doc.contents), out);
  return out;
}

/** True when `text` mentions a workload kind at all (cheap screening before parsing). */
export function mayHoldWorkloads(text: string): boolean {
  return /^\s*kind:\s*["']?(?:[A-Za-z]*List|Pod|PodTemplate|Deployment|StatefulSet|DaemonSet|ReplicaSet|ReplicationController|Job|CronJob|Rollout)\b/m.test(
    text,
  );
}

function manifestStep(key: string, change: ImageChange, found: Set<string>): EditStep {
  const label = imageLabel(change);
  return {
    image: label,
    replacesOnly: true,
    run(file: YamlFile) {
      const splices: Splice[] = [];
      const diagnostics: Diagnostic[] = [];
      const seen = new Set<Scalar>();
      for (const image of containerImages(file)) {
        // An anchored image shared by several containers is edited once.
        if (seen.has(image.node)) continue;
        seen.add(image.node);
        const current = scalarText(image.node);
        const moved = change.currentImage !== undefined && sameImageName(current, change.currentImage);
        if (!moved && !sameImageName(current, change.image)) continue;
        found.add(label);
        const written = splitImage(current);
        const where = `${key}:${image.workload}:${image.path}`;
        const digest = digestToWrite(change, written.digest !== undefined, where, diagnostics, label);
        // An image moving to another registry takes the configured name; otherwise the file's spelling stays.
        const name = moved ? splitImage(change.image).name : written.name;
        const splice = replaceScalar(image.node, joinImage(name, change.newTag, digest));
        if (splice !== null) splices.push(splice);
      }
      return { splices, diagnostics };
    },
  };
}

/**
 * Sets the tag (and digest, where the file pins one or the change asks) of every container image matching a
 * change. `key` names the file in diagnostics. `matched` receives the label of every change that matched a
 * container, changed or not.
 */
export function editManifests(
  text: string,
  changes: readonly ImageChange[],
  key = "manifest.yaml",
  matched: Set<string> = new Set(),
): EditResult {
  return runEdits(
    text,
    key,
    changes.map((change) => manifestStep(key, change, matched)),
  );
}
