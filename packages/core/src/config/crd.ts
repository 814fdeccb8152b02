/**
 * The `ImageUpdater` custom resource (argocd-image-updater v1, `argocd-image-updater.argoproj.io/v1alpha1`)
 * → {@link ApplicationUpdateConfig} per matched Application. Pure: it takes the CR and the Applications.
 */
import { parseImageListEntry } from "../image/image-list.js";
import { parsePlatformList } from "../image/platform.js";
import type { Application, ApplicationRef } from "../source/types.js";
import { compileGlob } from "../strategy/glob.js";
import type { TagMatcher } from "../strategy/types.js";
import { parseApplicationAnnotations } from "./annotations.js";
import { parseCredentialReference } from "./credentials.js";
import type { Diagnostic } from "./diagnostic.js";
import { isRecord, type LabelSelector, matchesLabelSelector, parseLabelSelector } from "./label-selector.js";
import { diag, parseAllowTags, parseGlobList, parseStrategyName, type SettingContext } from "./settings.js";
import type {
  ApplicationUpdateConfig,
  GitWriteBackConfig,
  ImageUpdateConfig,
  PullRequestConfig,
  WriteBackConfig,
} from "./types.js";
import { DEFAULT_BRANCH_PREFIX, parseGitBranch, parseWriteBackMethod, parseWriteBackTarget } from "./write-back.js";

/** `apiVersion` of the resource this module reads. */
export const IMAGE_UPDATER_API_VERSION = "argocd-image-updater.argoproj.io/v1alpha1";

/** Push branch of pull-request mode when none is configured (argocd-image-updater's naming). */
export const PULL_REQUEST_BRANCH_TEMPLATE = "image-updater-{{.TargetKey}}-{{.SHA256}}";

/** Options of {@link resolveImageUpdater}. */
export interface ImageUpdaterOptions {
  /** Custom strategy names registered with the engine. */
  readonly knownStrategies?: readonly string[];
  /** Annotation prefix for `useAnnotations` references. */
  readonly annotationPrefix?: string;
  /** Accept pull secrets outside the CR's namespace. @default false */
  readonly allowCrossNamespaceSecrets?: boolean;
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

/** A value with the field path it was read from. */
interface Sourced<T> {
  readonly value: T;
  readonly path: string;
}

interface CommonSettings {
  updateStrategy?: Sourced<string>;
  forceUpdate?: Sourced<boolean>;
  allowTags?: Sourced<string>;
  ignoreTags?: Sourced<readonly string[]>;
  pullSecret?: Sourced<string>;
  platforms?: Sourced<readonly string[]>;
}

interface WriteBackSettings {
  method?: Sourced<string>;
  repository?: Sourced<string>;
  branch?: Sourced<string>;
  writeBackTarget?: Sourced<string>;
  pullRequest?: Sourced<Record<string, unknown>>;
}

interface VerificationSettings {
  enabled?: Sourced<boolean>;
  present: boolean;
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

interface BuildContext {
  readonly namespace: string;
  readonly options: ImageUpdaterOptions;
  readonly diagnostics: Diagnostic[];
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

const ARGOCD: WriteBackConfig = { method: "argocd" };

function buildImage(
  raw: unknown,
  path: string,
  inherited: CommonSettings,
  inheritedVerification: VerificationSettings,
  context: BuildContext,
): ImageUpdateConfig | undefined {
  const { diagnostics, options } = context;
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "each image is an object with `alias` and `imageName`" });
    return undefined;
  }
  checkFields(
    raw,
    path,
    ["alias", "imageName", "commonUpdateSettings", "imagesVerification", "manifestTargets"],
    diagnostics,
  );
  const alias = typeof raw.alias === "string" ? raw.alias : "";
  if (!/^[a-zA-Z0-9][a-zA-Z0-9-._]*$/.test(alias)) {
    diagnostics.push({
      severity: "error",
      key: `${path}.alias`,
      message: "alias is required: a letter or digit, then letters, digits, `-`, `.` or `_`",
    });
    return undefined;
  }
  const fail = (key: string, message: string): undefined => {
    diagnostics.push({ severity: "error", key, message, image: alias });
    return undefined;
  };
  if (typeof raw.imageName !== "string" || raw.imageName.trim() === "") {
    return fail(
      `${path}.imageName`,
      "imageName is required: `registry/name[:constraint]`, e.g. `ghcr.io/org/app:^1.0`",
    );
  }
  if (raw.imageName.includes("=")) {
    return fail(`${path}.imageName`, "imageName holds no `alias=`; put the alias in `alias:`");
  }
  const entry = parseImageListEntry(raw.imageName, { key: `${path}.imageName`, alias });
  diagnostics.push(...entry.diagnostics.map((d) => ({ ...d, image: alias })));
  if (entry.value === undefined) return undefined;

  const settings = {
    ...inherited,
    ...defined(readCommon(raw.commonUpdateSettings, `${path}.commonUpdateSettings`, diagnostics)),
  };
  const verification = mergeVerification(
    inheritedVerification,
    readVerification(raw.imagesVerification, `${path}.imagesVerification`, diagnostics),
  );
  const collect = <T>(setting: { value: T; diagnostics: readonly Diagnostic[] }): T => {
    diagnostics.push(...setting.diagnostics);
    return setting.value;
  };
  const at = (source: Sourced<unknown>): SettingContext => ({ key: source.path, alias });
  const strategy = settings.updateStrategy
    ? collect(parseStrategyName(settings.updateStrategy.value, at(settings.updateStrategy), options.knownStrategies))
    : "semver";
  let allowTags: TagMatcher = settings.allowTags
    ? collect(parseAllowTags(settings.allowTags.value, at(settings.allowTags)))
    : { kind: "any" };
  const closeWith = (reason: string) => {
    if (allowTags.kind !== "none") allowTags = { kind: "none", reason };
  };
  const ignoreTags = settings.ignoreTags
    ? collect(parseGlobList(settings.ignoreTags.value, at(settings.ignoreTags)))
    : [];
  let pullSecret: ImageUpdateConfig["pullSecret"];
  if (settings.pullSecret) {
    const parsed = parseCredentialReference(settings.pullSecret.value, { key: settings.pullSecret.path, alias });
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value) {
      const { registry: _scope, ...reference } = parsed.value;
      pullSecret = reference;
      if (
        "namespace" in reference &&
        reference.namespace !== context.namespace &&
        !options.allowCrossNamespaceSecrets
      ) {
        const reason = `pullSecret is in namespace \`${reference.namespace}\`, not the ImageUpdater's \`${context.namespace}\`; copy the Secret into \`${context.namespace}\``;
        diagnostics.push(diag(at(settings.pullSecret), "error", `${reason}; the image is not updated`));
        closeWith(reason);
      }
    }
  }
  let platforms: ImageUpdateConfig["platforms"] = [];
  if (settings.platforms) {
    const parsed = parsePlatformList(settings.platforms.value.join(","), { key: settings.platforms.path, alias });
    diagnostics.push(...parsed.diagnostics);
    platforms = parsed.platforms;
    if (parsed.invalid.length > 0) closeWith(`platforms entry \`${parsed.invalid.join("`, `")}\` is invalid`);
  }
  if (strategy === "digest" && entry.value.constraint === undefined) {
    const reason = `the digest strategy tracks a tag; write \`${entry.value.image.writtenName}:<tag>\` in imageName`;
    diagnostics.push({
      severity: "error",
      key: `${path}.imageName`,
      message: `${reason}; the image is not updated`,
      image: alias,
    });
    closeWith(reason);
  }
  if (verification.present && (verification.enabled?.value ?? true)) {
    const reason = "imagesVerification (cosign signatures) is not supported by this updater";
    diagnostics.push({
      severity: "error",
      key: verification.enabled?.path ?? `${path}.imagesVerification`,
      message: `${reason}; the image is not updated. Set \`imagesVerification.enabled: false\` to update without verification`,
      image: alias,
    });
    closeWith(reason);
  }

  const targets = readTargets(raw.manifestTargets, `${path}.manifestTargets`, alias, diagnostics);
  if (targets === undefined) return undefined;
  return {
    alias,
    image: entry.value.image,
    ...(entry.value.constraint === undefined ? {} : { constraint: entry.value.constraint }),
    strategy,
    allowTags,
    ignoreTags,
    forceUpdate: settings.forceUpdate?.value ?? false,
    ...(pullSecret ? { pullSecret } : {}),
    platforms,
    ...targets,
  };
}

function readTargets(
  raw: unknown,
  path: string,
  alias: string,
  diagnostics: Diagnostic[],
): Pick<ImageUpdateConfig, "helm" | "kustomize" | "plugin" | "manifestTarget"> | undefined {
  const defaults = { helm: { imageName: "image.name", imageTag: "image.tag" }, kustomize: {} };
  if (raw === undefined || raw === null) return defaults;
  const fail = (key: string, message: string): undefined => {
    diagnostics.push({ severity: "error", key, message, image: alias });
    return undefined;
  };
  if (!isRecord(raw)) return fail(path, "manifestTargets is an object with one of `helm`, `kustomize` or `plugin`");
  checkFields(raw, path, ["helm", "kustomize", "plugin"], diagnostics);
  const kinds = (["helm", "kustomize", "plugin"] as const).filter(
    (kind) => raw[kind] !== undefined && raw[kind] !== null,
  );
  if (kinds.length !== 1) return fail(path, "manifestTargets sets exactly one of `helm`, `kustomize` or `plugin`");
  const kind = kinds[0]!;
  const target = raw[kind];
  if (!isRecord(target)) return fail(`${path}.${kind}`, `${kind} is an object`);
  const text = (field: string): string | undefined => {
    const value = target[field];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return fail(`${path}.${kind}.${field}`, `${field} is a string`);
    return value.trim();
  };
  if (kind === "kustomize") {
    checkFields(target, `${path}.kustomize`, ["name"], diagnostics);
    const name = text("name");
    if (name === undefined)
      return fail(`${path}.kustomize.name`, "kustomize.name is required: the image name in kustomization.yaml");
    return { ...defaults, kustomize: { imageName: name }, manifestTarget: "kustomize" };
  }
  checkFields(target, `${path}.${kind}`, ["name", "tag", "spec"], diagnostics);
  const [name, tag, specName] = [text("name"), text("tag"), text("spec")];
  if (kind === "helm") {
    return {
      ...defaults,
      helm: {
        imageName: name ?? "image.name",
        imageTag: tag ?? "image.tag",
        ...(specName ? { imageSpec: specName } : {}),
      },
      manifestTarget: "helm",
    };
  }
  if (name === undefined && tag === undefined && specName === undefined) {
    return fail(`${path}.plugin`, "plugin names the environment variables to write: `name` and `tag`, or `spec`");
  }
  return {
    ...defaults,
    plugin: {
      ...(name ? { imageName: name } : {}),
      ...(tag ? { imageTag: tag } : {}),
      ...(specName ? { imageSpec: specName } : {}),
    },
    manifestTarget: "plugin",
  };
}

function buildWriteBack(
  settings: WriteBackSettings,
  namespace: string,
  diagnostics: Diagnostic[],
): WriteBackConfig | undefined {
  const at = (source: Sourced<unknown>): SettingContext => ({ key: source.path });
  const methodText = settings.method?.value ?? "argocd";
  const method = parseWriteBackMethod(
    methodText,
    settings.method ? at(settings.method) : { key: "spec.writeBackConfig.method" },
    namespace,
  );
  diagnostics.push(...method.diagnostics);
  if (method.value === undefined) return undefined;
  if (method.value.method === "argocd") {
    // Git fields inherited from spec while an applicationRef switches to argocd are expected, not a mistake.
    const inheritedOnly = (source: Sourced<unknown>) =>
      settings.method !== undefined &&
      !settings.method.path.startsWith("spec.writeBackConfig") &&
      source.path.startsWith("spec.writeBackConfig");
    for (const source of [settings.repository, settings.branch, settings.writeBackTarget, settings.pullRequest]) {
      if (source && !inheritedOnly(source))
        diagnostics.push(
          diag(at(source), "warning", "only used with a git write-back method; set `method: git` or remove it"),
        );
    }
    return ARGOCD;
  }
  const target = settings.writeBackTarget
    ? parseWriteBackTarget(settings.writeBackTarget.value, at(settings.writeBackTarget))
    : undefined;
  if (target) diagnostics.push(...target.diagnostics);
  if (target && target.value === undefined) return undefined;
  const branch = settings.branch ? parseGitBranch(settings.branch.value, at(settings.branch)) : undefined;
  if (branch) diagnostics.push(...branch.diagnostics);
  let pullRequest: PullRequestConfig | undefined;
  if (settings.pullRequest) {
    const parsed = readPullRequest(settings.pullRequest, diagnostics);
    if (parsed === undefined) return undefined;
    pullRequest = parsed;
    if (settings.branch?.value.includes(":")) {
      diagnostics.push(
        diag(
          at(settings.branch),
          "error",
          "with pullRequest, branch names only the base branch (no `:`); the pull request branch is generated",
        ),
      );
      return undefined;
    }
  }
  const writeBranch =
    branch?.value.writeBranchTemplate ??
    (pullRequest && !method.value.branchPerUpdate ? PULL_REQUEST_BRANCH_TEMPLATE : undefined);
  const branchPrefix = writeBranch === undefined && method.value.branchPerUpdate ? DEFAULT_BRANCH_PREFIX : undefined;
  const git: GitWriteBackConfig = {
    credentials: method.value.credentials ?? { kind: "repocreds" },
    ...(settings.repository?.value.trim() ? { repository: settings.repository.value.trim() } : {}),
    ...(branch?.value.baseBranch ? { baseBranch: branch.value.baseBranch } : {}),
    ...(writeBranch !== undefined ? { writeBranch } : {}),
    ...(branchPrefix !== undefined ? { branchPrefix } : {}),
    target: target?.value ?? { kind: "default" },
    ...(pullRequest ? { pullRequest } : {}),
  };
  return { method: method.value.method, git };
}

function readPullRequest(
  source: Sourced<Record<string, unknown>>,
  diagnostics: Diagnostic[],
): PullRequestConfig | undefined {
  const raw = source.value;
  const fail = (key: string, message: string): undefined => {
    diagnostics.push({ severity: "error", key, message: `${message}; the application is not updated` });
    return undefined;
  };
  checkFields(raw, source.path, ["github", "gitlab", "labels"], diagnostics);
  const providers = (["github", "gitlab"] as const).filter((p) => raw[p] !== undefined && raw[p] !== null);
  if (providers.length !== 1) return fail(source.path, "pullRequest sets exactly one of `github: {}` or `gitlab: {}`");
  const labels = raw.labels ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string" || l.length === 0 || l.length > 255)) {
    return fail(`${source.path}.labels`, "labels is a list of 1 to 255 character strings");
  }
  if (labels.length > 100) return fail(`${source.path}.labels`, "at most 100 labels");
  return { provider: providers[0]!, labels: labels as string[] };
}

function readCommon(raw: unknown, path: string, diagnostics: Diagnostic[]): CommonSettings {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "commonUpdateSettings is an object; it is ignored" });
    return {};
  }
  checkFields(
    raw,
    path,
    ["updateStrategy", "forceUpdate", "allowTags", "ignoreTags", "pullSecret", "platforms"],
    diagnostics,
  );
  const settings: CommonSettings = {};
  const str = (field: string) => readString(raw[field], `${path}.${field}`, diagnostics);
  const list = (field: string) => readStringList(raw[field], `${path}.${field}`, diagnostics);
  const strategy = str("updateStrategy");
  if (strategy !== undefined) settings.updateStrategy = { value: strategy, path: `${path}.updateStrategy` };
  const force = readBoolean(raw.forceUpdate, `${path}.forceUpdate`, diagnostics);
  if (force !== undefined) settings.forceUpdate = { value: force, path: `${path}.forceUpdate` };
  const allow = str("allowTags");
  if (allow !== undefined) settings.allowTags = { value: allow, path: `${path}.allowTags` };
  const ignore = list("ignoreTags");
  if (ignore !== undefined) settings.ignoreTags = { value: ignore, path: `${path}.ignoreTags` };
  const secret = str("pullSecret");
  if (secret !== undefined) settings.pullSecret = { value: secret, path: `${path}.pullSecret` };
  const platforms = list("platforms");
  if (platforms !== undefined) settings.platforms = { value: platforms, path: `${path}.platforms` };
  return settings;
}

function readWriteBack(raw: unknown, path: string, diagnostics: Diagnostic[]): WriteBackSettings {
  if (raw === undefined || raw === null) return {};
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "writeBackConfig is an object; it is ignored" });
    return {};
  }
  checkFields(raw, path, ["method", "gitConfig"], diagnostics);
  const settings: WriteBackSettings = {};
  const method = readString(raw.method, `${path}.method`, diagnostics);
  if (method !== undefined) settings.method = { value: method, path: `${path}.method` };
  const git = raw.gitConfig;
  if (git === undefined || git === null) return settings;
  if (!isRecord(git)) {
    diagnostics.push({ severity: "error", key: `${path}.gitConfig`, message: "gitConfig is an object; it is ignored" });
    return settings;
  }
  const gitPath = `${path}.gitConfig`;
  checkFields(git, gitPath, ["repository", "branch", "writeBackTarget", "pullRequest"], diagnostics);
  for (const field of ["repository", "branch", "writeBackTarget"] as const) {
    const value = readString(git[field], `${gitPath}.${field}`, diagnostics);
    if (value !== undefined) settings[field] = { value, path: `${gitPath}.${field}` };
  }
  if (git.pullRequest !== undefined && git.pullRequest !== null) {
    if (isRecord(git.pullRequest)) settings.pullRequest = { value: git.pullRequest, path: `${gitPath}.pullRequest` };
    else
      diagnostics.push({
        severity: "error",
        key: `${gitPath}.pullRequest`,
        message: "pullRequest is an object: `{github: {}}` or `{gitlab: {}}`",
      });
  }
  return settings;
}

function readVerification(raw: unknown, path: string, diagnostics: Diagnostic[]): VerificationSettings {
  if (raw === undefined || raw === null) return { present: false };
  if (!isRecord(raw)) {
    diagnostics.push({ severity: "error", key: path, message: "imagesVerification is an object" });
    return { present: true };
  }
  checkFields(raw, path, ["enabled", "cosignKey"], diagnostics);
  const enabled = readBoolean(raw.enabled, `${path}.enabled`, diagnostics);
  return { present: true, ...(enabled === undefined ? {} : { enabled: { value: enabled, path: `${path}.enabled` } }) };
}

function mergeVerification(outer: VerificationSettings, inner: VerificationSettings): VerificationSettings {
  const enabled = inner.enabled ?? outer.enabled;
  return { present: outer.present || inner.present, ...(enabled ? { enabled } : {}) };
}

function readString(value: unknown, key: string, diagnostics: Diagnostic[]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  diagnostics.push({
    severity: "error",
    key,
    message: `expected a string, found ${describe(value)}; the field is ignored`,
  });
  return undefined;
}

function readBoolean(value: unknown, key: string, diagnostics: Diagnostic[]): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  diagnostics.push({
    severity: "error",
    key,
    message: `expected \`true\` or \`false\`, found ${describe(value)}; the field is ignored`,
  });
  return undefined;
}

function readStringList(value: unknown, key: string, diagnostics: Diagnostic[]): readonly string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value;
  const hint =
    typeof value === "string"
      ? ` (write a YAML list: [${value
          .split(",")
          .map((v) => JSON.stringify(v.trim()))
          .join(", ")}])`
      : "";
  diagnostics.push({
    severity: "error",
    key,
    message: `expected a list of strings, found ${describe(value)}${hint}; the field is ignored`,
  });
  return undefined;
}

function checkFields(
  value: Record<string, unknown>,
  path: string,
  allowed: readonly string[],
  diagnostics: Diagnostic[],
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) {
      diagnostics.push({
        severity: "warning",
        key: `${path}.${key}`,
        message: `unknown field \`${key}\`, ignored; fields here are ${allowed.map((f) => `\`${f}\``).join(", ")}`,
      });
    }
  }
}

function defined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function describe(value: unknown): string {
  if (Array.isArray(value)) return "a list";
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : `${typeof value} \`${String(value)}\``;
}
