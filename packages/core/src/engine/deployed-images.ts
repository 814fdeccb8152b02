/**
 * What the manifests in Git say is deployed. Used when an Application has no `status.summary.images` (no
 * cluster, or not synced yet) and for the "already set in spec" check, so the tool works without a cluster.
 */
import { isMap, isScalar, isSeq, type Node, type Scalar } from "yaml";
import type { ImageUpdateConfig } from "../config/types.js";
import { KUSTOMIZATION_FILE_NAMES } from "../editors/kustomization.js";
import { createParsedFiles, type ParsedFiles } from "../editors/parsed-files.js";
import { joinRepoPath } from "../editors/path-safety.js";
import { scalarText } from "../editors/yaml-text.js";
import type { RepositoryFiles } from "../git/types.js";
import { parseImageReference } from "../image/reference.js";
import type { Application, ApplicationSourceSpec, HelmParameter } from "../source/types.js";
import type { LiveImage } from "../strategy/needs-update.js";

const KUSTOMIZATION_FILES = KUSTOMIZATION_FILE_NAMES;

function toLive(text: string | undefined, tagOverride?: string): LiveImage | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  const parsed = parseImageReference(text.trim()).value;
  if (parsed === undefined) return undefined;
  const tag = tagOverride ?? parsed.tag;
  return {
    registry: parsed.registry,
    repository: parsed.repository,
    ...(tag === undefined ? {} : { tag }),
    ...(parsed.digest === undefined ? {} : { digest: parsed.digest }),
  };
}

/** `tag@sha256:…` as Helm tag parameters hold digests. */
function withTag(name: string | undefined, tag: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return tag === undefined || tag === "" ? name : `${name}:${tag}`;
}

/** Images named by Helm parameters, per configured image. */
function fromHelmParameters(parameters: readonly HelmParameter[], images: readonly ImageUpdateConfig[]): LiveImage[] {
  const byName = new Map(parameters.map((parameter) => [parameter.name, parameter.value]));
  const found: LiveImage[] = [];
  for (const image of images) {
    const spec = image.helm.imageSpec === undefined ? undefined : byName.get(image.helm.imageSpec);
    const live =
      spec !== undefined
        ? toLive(spec)
        : toLive(withTag(byName.get(image.helm.imageName), byName.get(image.helm.imageTag)));
    if (live !== undefined) found.push(live);
  }
  return found;
}

/** `kustomize.images` entries: `name=newName:tag`, `name:tag`, `name@digest`. */
function fromKustomizeImages(entries: readonly string[]): LiveImage[] {
  const found: LiveImage[] = [];
  for (const entry of entries) {
    const equals = entry.indexOf("=");
    const live = toLive(equals === -1 ? entry : entry.slice(equals + 1));
    if (live !== undefined) found.push(live);
    if (equals !== -1) {
      // The override also stands for the original name, which is what image-list usually names.
      const original = toLive(entry.slice(0, equals));
      if (original !== undefined && live !== undefined) {
        found.push({
          ...original,
          ...(live.tag === undefined ? {} : { tag: live.tag }),
          ...(live.digest === undefined ? {} : { digest: live.digest }),
        });
      }
    }
  }
  return found;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function stringsOf(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}

function helmParametersOf(value: unknown): HelmParameter[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const record = asRecord(item);
    return typeof record?.name === "string" && record.value !== undefined
      ? [{ name: record.name, value: String(record.value) }]
      : [];
  });
}

/** Every `image:` scalar in a parsed YAML tree (containers of any workload kind, CRDs alike). */
function collectImageScalars(node: Node | null | undefined, out: string[]): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && pair.key.value === "image" && isScalar(pair.value)) {
        out.push(scalarText(pair.value as Scalar));
      } else collectImageScalars(pair.value as Node, out);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) collectImageScalars(item as Node, out);
  }
}

function fromManifest(text: string, yaml: ParsedFiles): LiveImage[] {
  const scalars: string[] = [];
  for (const document of yaml.parse(text)?.docs ?? []) collectImageScalars(document.contents, scalars);
  return scalars.flatMap((scalar) => toLive(scalar) ?? []);
}

function fromKustomization(text: string, yaml: ParsedFiles): LiveImage[] {
  const root = asRecord(yaml.data(text)[0]);
  const found: LiveImage[] = [];
  for (const entry of Array.isArray(root?.images) ? root.images : []) {
    const record = asRecord(entry);
    if (typeof record?.name !== "string") continue;
    const tag = typeof record.newTag === "string" ? record.newTag : undefined;
    const digest = typeof record.digest === "string" ? `@${record.digest}` : "";
    const name = typeof record.newName === "string" ? record.newName : record.name;
    const live = toLive(`${withTag(name, tag)}${digest}`);
    if (live === undefined) continue;
    found.push(live);
    const original = toLive(record.name);
    if (original !== undefined && name !== record.name)
      found.push({ ...live, registry: original.registry, repository: original.repository });
  }
  return found;
}

/** Value at a dotted Helm key path (`image.tag`, `a.b[0].c`), literal dotted keys first. */
function valueAtPath(root: unknown, path: string): string | undefined {
  let node: unknown = root;
  let rest = path;
  while (rest !== "") {
    const record = asRecord(node);
    if (record !== undefined && typeof record[rest] !== "object" && record[rest] !== undefined)
      return String(record[rest]);
    const match = /^(?<key>[^.[]+)(?:\[(?<index>\d+)\])?\.?/.exec(rest);
    if (match?.groups === undefined) return undefined;
    node = record?.[match.groups.key ?? ""];
    if (match.groups.index !== undefined) node = Array.isArray(node) ? node[Number(match.groups.index)] : undefined;
    rest = rest.slice(match[0].length);
  }
  return node === undefined || node === null || typeof node === "object" ? undefined : String(node);
}

function fromValues(text: string, images: readonly ImageUpdateConfig[], yaml: ParsedFiles): LiveImage[] {
  const root = yaml.data(text)[0];
  const found: LiveImage[] = [];
  for (const image of images) {
    const spec = image.helm.imageSpec === undefined ? undefined : valueAtPath(root, image.helm.imageSpec);
    const live =
      spec !== undefined
        ? toLive(spec)
        : toLive(withTag(valueAtPath(root, image.helm.imageName), valueAtPath(root, image.helm.imageTag)));
    if (live !== undefined) found.push(live);
  }
  return found;
}

/** `name` inside `dir`, or undefined when it would leave the repository (never read such a path). */
export function safeJoin(dir: string, name: string): string | undefined {
  try {
    return joinRepoPath(dir, name);
  } catch {
    return undefined;
  }
}

/** Images set in the Application spec itself (Helm parameters, Kustomize images). */
export function imagesInSpec(
  source: ApplicationSourceSpec | undefined,
  images: readonly ImageUpdateConfig[],
): LiveImage[] {
  if (source === undefined) return [];
  return [
    ...fromHelmParameters(source.helm?.parameters ?? [], images),
    ...fromKustomizeImages(source.kustomize?.images ?? []),
  ];
}

/** Input of {@link readDeployedImages}. */
export interface DeployedImagesInput {
  readonly files: RepositoryFiles;
  readonly application: Application;
  readonly images: readonly ImageUpdateConfig[];
  /** Directory of the source in the repository. */
  readonly sourcePath: string;
  /** Override file name (`.argocd-source-<app>.yaml`). */
  readonly overrideFile: string;
  /** Extra file the write-back target names (values file, kustomization dir, manifest). */
  readonly targetPath?: string;
  /** The source the images are written in. @default the Application's first source */
  readonly source?: ApplicationSourceSpec;
  /** Parses shared with the other readers of this application (one parse per file). @default a fresh cache */
  readonly parsed?: ParsedFiles;
}

/**
 * Images the repository says are deployed, most specific first: the override file, the write-back target,
 * the Application spec, then the source's kustomization, values and plain manifests. Never throws on content.
 */
export async function readDeployedImages(input: DeployedImagesInput): Promise<LiveImage[]> {
  const { files, images, sourcePath } = input;
  const yaml = input.parsed ?? createParsedFiles();
  // Every file is parsed in slices as it is read, so the readers below look up a finished parse.
  const readFile = async (path: string): Promise<string | null> => {
    const text = await files.readFile(path);
    if (text !== null) await yaml.load(text, path);
    return text;
  };
  const found: LiveImage[] = [];
  const overridePath = safeJoin(sourcePath, input.overrideFile);
  const override = overridePath === undefined ? null : await readFile(overridePath);
  if (override !== null) {
    const root = asRecord(yaml.data(override)[0]);
    found.push(...fromHelmParameters(helmParametersOf(asRecord(root?.helm)?.parameters), images));
    found.push(...fromKustomizeImages(stringsOf(asRecord(root?.kustomize)?.images)));
  }
  found.push(
    ...imagesInSpec(input.source ?? input.application.spec.source ?? input.application.spec.sources?.[0], images),
  );
  const candidates = new Set<string>();
  if (input.targetPath !== undefined) candidates.add(input.targetPath);
  for (const name of [...KUSTOMIZATION_FILES, "values.yaml"]) {
    const path = safeJoin(sourcePath, name);
    if (path !== undefined) candidates.add(path);
  }
  for (const path of candidates) {
    const text = await readFile(path);
    if (text === null) {
      for (const name of KUSTOMIZATION_FILES) {
        const nestedPath = safeJoin(path, name);
        const nested = nestedPath === undefined ? null : await readFile(nestedPath);
        if (nested !== null) found.push(...fromKustomization(nested, yaml));
      }
      continue;
    }
    const base = path.split("/").pop() ?? path;
    if (KUSTOMIZATION_FILES.includes(base)) found.push(...fromKustomization(text, yaml));
    else found.push(...fromValues(text, images, yaml), ...fromManifest(text, yaml));
  }
  const root = safeJoin(sourcePath, "");
  for (const path of root === undefined ? [] : await files.listFiles(root)) {
    if (!/\.ya?ml$/.test(path) || candidates.has(path) || path.endsWith(input.overrideFile)) continue;
    const text = await readFile(path);
    if (text !== null) found.push(...fromManifest(text, yaml));
  }
  return found;
}
