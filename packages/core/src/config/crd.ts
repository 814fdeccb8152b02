/**
 * The `ImageUpdater` custom resource (argocd-image-updater v1, `argocd-image-updater.argoproj.io/v1alpha1`)
 * → {@link ApplicationUpdateConfig} per matched Application. Pure: it takes the CR and the Applications.
 */
import type { Application, ApplicationRef } from "../source/types.js";
import { compileGlob } from "../strategy/glob.js";
import { parseApplicationAnnotations } from "./annotations.js";
import { checkFields, defined, readBoolean } from "./crd-fields.js";
import { type BuildContext, buildImage, type ImageBuildOptions } from "./crd-image.js";
import {
  type CommonSettings,
  mergeVerification,
  readCommon,
  readVerification,
  readWriteBack,
  type VerificationSettings,
  type WriteBackSettings,
} from "./crd-settings.js";
import { ARGOCD, buildWriteBack } from "./crd-write-back.js";
import type { Diagnostic } from "./diagnostic.js";
import { isRecord, type LabelSelector, matchesLabelSelector, parseLabelSelector } from "./label-selector.js";
import type { ApplicationUpdateConfig, ImageUpdateConfig } from "./types.js";

/** `apiVersion` of the resource this module reads. */
export const IMAGE_UPDATER_API_VERSION = "argocd-image-updater.argoproj.io/v1alpha1";

/** Options of {@link resolveImageUpdater}. */
export interface ImageUpdaterOptions extends ImageBuildOptions {
  /** Annotation prefix for `useAnnotations` references. */
  readonly annotationPrefix?: string;
}

/** One Application the CR manages, with its resolved configuration. */
export interface ImageUpdaterMatch {
  readonly application: Application;
  readonly config: ApplicationUpdateConfig;
  /** Index in `spec.applicationRefs` of the reference that matched. */
  readonly applicationRef: number;
  /** Problems that concern this application only (its annotations, in `useAnnotations` mode). */
  readonly diagnostics: readonly Diagnostic[];
}

/** Result of {@link resolveImageUpdater}. */
export interface ImageUpdaterResolution {
  /** The CR's namespace and name, when it has them. */
  readonly updater?: ApplicationRef;
  /** Managed applications, in the order given. */
  readonly matches: readonly ImageUpdaterMatch[];
  /** Problems in the CR itself; keys are field paths such as `spec.applicationRefs[0].images[1].imageName`. */
  readonly diagnostics: readonly Diagnostic[];
}

interface PreparedRef {
  readonly index: number;
  /** `namePattern` as Go's `filepath.Match` reads it (`*`, `?`, `[…]`, `\\`; no braces or negation). */
  readonly matchesName: (name: string) => boolean;
  readonly selector: LabelSelector | undefined;
  readonly specificity: number;
  readonly useAnnotations: boolean;
  /** Resolved config (without `application`) when not `useAnnotations`; undefined when the ref is unusable. */
  readonly config?: Omit<ApplicationUpdateConfig, "application">;
}

/**
 * Resolves an `ImageUpdater` CR against Applications, with v1alpha1 semantics:
 * - only Applications in the CR's namespace are considered;
 * - `applicationRefs` are tried most specific first (a pattern without wildcards +1,000,000, + its literal
 *   characters, +10,000 with `labelSelectors`, +100 per `matchLabels` entry and per expression; ties keep
 *   file order); the first whose `namePattern` glob and `labelSelectors` both match wins;
 * - settings merge field-wise `spec` → `applicationRefs[]` → `images[]`, a set field replacing (lists too);
 * - `useAnnotations: true` reads the Application's annotations instead, as the annotation parser does.
 * Never throws: a malformed CR gives no matches and error diagnostics; a malformed reference or image is
 * left out without hiding the others. `imagesVerification` (cosign) is not performed by this updater, so
 * an image that asks for it fails closed with an error.
 */
export function resolveImageUpdater(
  cr: unknown,
  applications: readonly Application[],
  options: ImageUpdaterOptions = {},
): ImageUpdaterResolution {
  const diagnostics: Diagnostic[] = [];
  const error = (key: string, message: string) => diagnostics.push({ severity: "error", key, message });
  if (!isRecord(cr)) {
    error("ImageUpdater", "an ImageUpdater is an object with `apiVersion`, `kind`, `metadata` and `spec`");
    return { matches: [], diagnostics };
  }
  if (cr.apiVersion !== undefined && cr.apiVersion !== IMAGE_UPDATER_API_VERSION) {
    diagnostics.push({
      severity: "warning",
      key: "apiVersion",
      message: `\`${String(cr.apiVersion)}\` is not \`${IMAGE_UPDATER_API_VERSION}\`; read as v1alpha1`,
    });
  }
  if (cr.kind !== undefined && cr.kind !== "ImageUpdater") {
    error("kind", `kind is \`${String(cr.kind)}\`; this reads \`kind: ImageUpdater\``);
    return { matches: [], diagnostics };
  }
  const metadata = isRecord(cr.metadata) ? cr.metadata : {};
  const namespace =
    typeof metadata.namespace === "string" && metadata.namespace !== "" ? metadata.namespace : undefined;
  const name = typeof metadata.name === "string" ? metadata.name : undefined;
  const updater = namespace !== undefined && name !== undefined ? { updater: { namespace, name } } : {};
  if (namespace === undefined) {
    error("metadata.namespace", "an ImageUpdater manages Applications of its own namespace; set `metadata.namespace`");
    return { ...updater, matches: [], diagnostics };
  }
  const spec = cr.spec;
  if (!isRecord(spec)) {
    error("spec", "spec is missing; add `spec.applicationRefs`");
    return { ...updater, matches: [], diagnostics };
  }
  checkFields(
    spec,
    "spec",
    ["commonUpdateSettings", "writeBackConfig", "imagesVerification", "applicationRefs"],
    diagnostics,
  );
  const common = readCommon(spec.commonUpdateSettings, "spec.commonUpdateSettings", diagnostics);
  const writeBack = readWriteBack(spec.writeBackConfig, "spec.writeBackConfig", diagnostics);
  const verification = readVerification(spec.imagesVerification, "spec.imagesVerification", diagnostics);
  if (!Array.isArray(spec.applicationRefs) || spec.applicationRefs.length === 0) {
    error("spec.applicationRefs", "applicationRefs lists at least one `{namePattern, images}` entry");
    return { ...updater, matches: [], diagnostics };
  }
  const context: BuildContext = { namespace, options, diagnostics };
  const refs: PreparedRef[] = [];
  const seenPatterns = new Set<string>();
  spec.applicationRefs.forEach((raw: unknown, index: number) => {
    const prepared = prepareRef(raw, index, { common, writeBack, verification }, context);
    if (prepared === undefined) return;
    const pattern = (raw as { namePattern: string }).namePattern;
    if (seenPatterns.has(pattern)) {
      diagnostics.push({
        severity: "warning",
        key: `spec.applicationRefs[${index}].namePattern`,
        message: `namePattern \`${pattern}\` is listed twice; the Kubernetes API keeps one entry per namePattern, merge them`,
      });
    }
    seenPatterns.add(pattern);
    refs.push(prepared);
  });
  const ordered = refs.map((ref, position) => ({ ref, position }));
  ordered.sort((a, b) => b.ref.specificity - a.ref.specificity || a.position - b.position);

  const matches: ImageUpdaterMatch[] = [];
  for (const application of applications) {
    if (application.namespace !== namespace) continue;
    const found = ordered.find(
      ({ ref }) =>
        ref.matchesName(application.name) &&
        (ref.selector === undefined || matchesLabelSelector(ref.selector, application.labels ?? {})),
    )?.ref;
    if (found === undefined) continue;
    const app = { namespace: application.namespace, name: application.name };
    if (found.useAnnotations) {
      const parsed = parseApplicationAnnotations(application.annotations ?? {}, {
        application: app,
        ...(options.annotationPrefix ? { prefix: options.annotationPrefix } : {}),
        ...(options.knownStrategies ? { knownStrategies: options.knownStrategies } : {}),
        ...(options.allowCrossNamespaceSecrets ? { allowCrossNamespaceSecrets: true } : {}),
      });
      matches.push({
        application,
        config: parsed.config,
        applicationRef: found.index,
        diagnostics: parsed.diagnostics,
      });
    } else if (found.config !== undefined) {
      matches.push({
        application,
        config: { application: app, ...found.config },
        applicationRef: found.index,
        diagnostics: [],
      });
    }
  }
  return { ...updater, matches, diagnostics };
}

/** The specificity argocd-image-updater ranks `applicationRefs` by (higher is tried first). */
export function applicationRefSpecificity(namePattern: string, selector?: LabelSelector): number {
  let score = /[*?[\]]/.test(namePattern) ? 0 : 1_000_000;
  score += namePattern.replace(/\[[^\]]*\]/g, "").replace(/[*?]/g, "").length;
  if (selector !== undefined) {
    score += 10_000 + 100 * (Object.keys(selector.matchLabels).length + selector.matchExpressions.length);
  }
  return score;
}

interface Inherited {
  readonly common: CommonSettings;
  readonly writeBack: WriteBackSettings;
  readonly verification: VerificationSettings;
}

function prepareRef(raw: unknown, index: number, global: Inherited, context: BuildContext): PreparedRef | undefined {
  const path = `spec.applicationRefs[${index}]`;
  const { diagnostics } = context;
  if (!isRecord(raw)) {
    diagnostics.push({
      severity: "error",
      key: path,
      message: "each applicationRef is an object with `namePattern` and `images`",
    });
    return undefined;
  }
  checkFields(
    raw,
    path,
    [
      "namePattern",
      "labelSelectors",
      "useAnnotations",
      "commonUpdateSettings",
      "writeBackConfig",
      "imagesVerification",
      "images",
    ],
    diagnostics,
  );
  if (typeof raw.namePattern !== "string" || raw.namePattern === "") {
    diagnostics.push({
      severity: "error",
      key: `${path}.namePattern`,
      message: "namePattern is required: a glob of Application names, e.g. `myapp-*`",
    });
    return undefined;
  }
  const glob = compileGlob(raw.namePattern);
  if (glob.matches === undefined) {
    diagnostics.push({
      severity: "error",
      key: `${path}.namePattern`,
      message: `\`${raw.namePattern}\` is not a valid glob (${glob.error}); this reference matches no application`,
    });
    return undefined;
  }
  const matchesName = glob.matches;
  let selector: LabelSelector | undefined;
  if (raw.labelSelectors !== undefined && raw.labelSelectors !== null) {
    const parsed = parseLabelSelector(raw.labelSelectors, `${path}.labelSelectors`);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) return undefined;
    selector = parsed.value;
  }
  const specificity = applicationRefSpecificity(raw.namePattern, selector);
  const useAnnotations = readBoolean(raw.useAnnotations, `${path}.useAnnotations`, diagnostics) ?? false;
  const base = { index, matchesName, selector, specificity, useAnnotations };
  if (useAnnotations) {
    for (const field of ["images", "commonUpdateSettings", "writeBackConfig"]) {
      if (raw[field] !== undefined) {
        diagnostics.push({
          severity: "warning",
          key: `${path}.${field}`,
          message: "ignored: with `useAnnotations: true` every setting comes from the Application's annotations",
        });
      }
    }
    return base;
  }
  const common = {
    ...global.common,
    ...defined(readCommon(raw.commonUpdateSettings, `${path}.commonUpdateSettings`, diagnostics)),
  };
  const writeBackSettings = {
    ...global.writeBack,
    ...defined(readWriteBack(raw.writeBackConfig, `${path}.writeBackConfig`, diagnostics)),
  };
  const verification = mergeVerification(
    global.verification,
    readVerification(raw.imagesVerification, `${path}.imagesVerification`, diagnostics),
  );
  const writeBackDiagnostics: Diagnostic[] = [];
  const writeBack = buildWriteBack(writeBackSettings, context.namespace, writeBackDiagnostics);
  diagnostics.push(...writeBackDiagnostics);
  if (!Array.isArray(raw.images) || raw.images.length === 0) {
    diagnostics.push({
      severity: "error",
      key: `${path}.images`,
      message: "images lists at least one `{alias, imageName}`, or set `useAnnotations: true`",
    });
    return { ...base, config: { images: [], writeBack: writeBack ?? ARGOCD, updatable: false } };
  }
  const images: ImageUpdateConfig[] = [];
  const aliases = new Set<string>();
  raw.images.forEach((image: unknown, imageIndex: number) => {
    const built = buildImage(image, `${path}.images[${imageIndex}]`, common, verification, context);
    if (built === undefined) return;
    if (aliases.has(built.alias)) {
      diagnostics.push({
        severity: "error",
        key: `${path}.images[${imageIndex}].alias`,
        message: `alias \`${built.alias}\` is used twice in this applicationRef; give each image its own alias`,
        image: built.alias,
      });
      return;
    }
    aliases.add(built.alias);
    images.push(built);
  });
  return {
    ...base,
    config: {
      images,
      writeBack: writeBack ?? ARGOCD,
      updatable:
        images.length > 0 && writeBack !== undefined && !writeBackDiagnostics.some((d) => d.severity === "error"),
    },
  };
}
