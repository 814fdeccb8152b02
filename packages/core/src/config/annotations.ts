/**
 * The annotation front end: `argocd-image-updater.argoproj.io/*` annotations of an Argo CD Application →
 * {@link ApplicationUpdateConfig}. Covers argocd-image-updater's keys and the seed article's forms.
 */
import { parseImageList } from "../image/image-list.js";
import { parsePlatformList } from "../image/platform.js";
import { redactUrlUserinfo } from "../redact.js";
import type { ApplicationRef } from "../source/types.js";
import { parseCredentialReference } from "./credentials.js";
import type { Diagnostic } from "./diagnostic.js";
import { RANKING_KEYS, readRanking } from "./ranking.js";
import {
  diag,
  parseAllowTags,
  parseBooleanSetting,
  parseFluxPolicy,
  parseIgnoreTags,
  parseStrategyName,
  type SettingContext,
} from "./settings.js";
import type {
  ApplicationConfigResult,
  GitWriteBackConfig,
  ImageUpdateConfig,
  TagMatcher,
  WriteBackConfig,
} from "./types.js";
import {
  checkRepositoryUrl,
  DEFAULT_BRANCH_PREFIX,
  parseGitBranch,
  parseWriteBackMethod,
  parseWriteBackTarget,
} from "./write-back.js";

/** argocd-image-updater's annotation prefix. */
export const DEFAULT_ANNOTATION_PREFIX = "argocd-image-updater.argoproj.io";

/** Options of {@link parseApplicationAnnotations}. */
export interface AnnotationParseOptions {
  /** Annotation prefix, without the trailing `/`. @default "argocd-image-updater.argoproj.io" */
  readonly prefix?: string;
  /** The application the annotations belong to: resolves `git:secret:<name>` and checks secret namespaces. */
  readonly application?: ApplicationRef;
  /** Names of custom strategies registered with the engine, accepted in `update-strategy`. */
  readonly knownStrategies?: readonly string[];
  /**
   * Accept `pull-secret` references to Secrets outside the application's namespace, as v0.x did.
   * Off by default, like argocd-image-updater v1: a reference elsewhere fails closed. @default false
   */
  readonly allowCrossNamespaceSecrets?: boolean;
  /**
   * Longest annotation value read, in characters; a longer one is reported and ignored (an `image-list` that
   * long leaves the application unmanaged). @default {@link MAX_ANNOTATION_VALUE_LENGTH}
   */
  readonly maxValueLength?: number;
}

/** 64 Ki characters: a quarter of what Kubernetes allows for all of an object's annotations together. */
export const MAX_ANNOTATION_VALUE_LENGTH = 64 * 1024;

/** Keys that apply to the whole application. `platforms` app-wide is the seed's form. */
const APP_KEYS = new Set([
  "image-list",
  "update-strategy",
  "allow-tags",
  "ignore-tags",
  "force-update",
  "pull-secret",
  "platforms",
  "write-back-method",
  "write-back-target",
  "git-branch",
  "git-branch-prefix",
  "git-repository",
  ...RANKING_KEYS,
]);

/** Per-image option suffixes (`<alias>.<suffix>`), longest first so dotted aliases split right. */
const IMAGE_SUFFIXES = [
  "kustomize.image-name",
  "flux-policy",
  "helm.image-name",
  "helm.image-spec",
  "helm.image-tag",
  "update-strategy",
  "force-update",
  "ignore-tags",
  "allow-tags",
  "pull-secret",
  "tag-match",
  "platforms",
  ...RANKING_KEYS,
];

/**
 * Reads the image-update configuration from an Application's annotations. Per-image keys
 * (`<alias>.<option>`, with `/` in the alias written `_`) win over app-wide keys; an empty per-image value
 * falls back to the app-wide one. Never throws: every problem is a diagnostic naming the annotation key and
 * saying what to write, and a bad image entry or option never hides the good ones.
 *
 * Fail-closed rules: an invalid `allow-tags`, `platforms` entry, cross-namespace `pull-secret` or a `digest`
 * strategy without a tag gives the image `allowTags: none`; an invalid write-back setting makes the
 * application not `updatable`.
 */
export function parseApplicationAnnotations(
  annotations: Readonly<Record<string, string>>,
  options: AnnotationParseOptions = {},
): ApplicationConfigResult {
  const prefix = (options.prefix ?? DEFAULT_ANNOTATION_PREFIX).replace(/\/+$/, "");
  const values = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const maxLength = options.maxValueLength ?? MAX_ANNOTATION_VALUE_LENGTH;
  for (const [key, value] of Object.entries(annotations ?? {})) {
    if (!key.startsWith(`${prefix}/`) || typeof value !== "string") continue;
    if (value.length > maxLength) {
      diagnostics.push({
        severity: "error",
        key,
        message: `the value is ${value.length} characters, over the limit of ${maxLength}; it is ignored (split the images over several applications)`,
      });
      continue;
    }
    values.set(key.slice(prefix.length + 1), value);
  }
  const keyOf = (name: string): string => `${prefix}/${name}`;
  const appValue = (name: string): string | undefined => nonEmpty(values.get(name));

  const list = values.get("image-list");
  const images: ImageUpdateConfig[] = [];
  const aliasKeys = new Set<string>();
  if (list === undefined) {
    if (!diagnostics.some((d) => d.key === keyOf("image-list")))
      diagnostics.push({
        severity: "info",
        key: keyOf("image-list"),
        message: "no image-list annotation: the application is not managed; add e.g. `myapp=ghcr.io/org/myapp`",
      });
  } else {
    const parsed = parseImageList(list, { key: keyOf("image-list") });
    diagnostics.push(...parsed.diagnostics);
    for (const entry of parsed.entries) {
      const alias = entry.alias ?? "";
      const aliasKey = alias.replaceAll("/", "_");
      if (alias !== "") aliasKeys.add(aliasKey);
      const lookup = (option: string): { value: string; context: SettingContext } | undefined => {
        const own = alias === "" ? undefined : nonEmpty(values.get(`${aliasKey}.${option}`));
        if (own !== undefined) return { value: own, context: ctx(keyOf(`${aliasKey}.${option}`), alias) };
        const shared = appValue(option);
        return shared === undefined ? undefined : { value: shared, context: ctx(keyOf(option), alias) };
      };
      const ownOnly = (option: string): { value: string; context: SettingContext } | undefined => {
        const own = alias === "" ? undefined : nonEmpty(values.get(`${aliasKey}.${option}`));
        return own === undefined ? undefined : { value: own, context: ctx(keyOf(`${aliasKey}.${option}`), alias) };
      };
      images.push(readImage(entry, alias, lookup, ownOnly, options, diagnostics, keyOf));
    }
  }

  const writeBackDiagnostics: Diagnostic[] = [];
  const writeBack = readWriteBack(appValue, keyOf, options, writeBackDiagnostics);
  diagnostics.push(...writeBackDiagnostics);
  checkUnknownKeys(values, aliasKeys, keyOf, diagnostics);
  const appErrors = writeBackDiagnostics.some((d) => d.severity === "error");
  return {
    config: {
      ...(options.application
        ? { application: { namespace: options.application.namespace, name: options.application.name } }
        : {}),
      images,
      writeBack: writeBack ?? { method: "argocd" },
      updatable: images.length > 0 && writeBack !== undefined && !appErrors,
    },
    // Messages quote what was written; a URL written with a password must not carry it into a log line.
    diagnostics: diagnostics.map((d) => ({ ...d, message: redactUrlUserinfo(d.message, "***@") })),
  };
}

type Lookup = (option: string) => { value: string; context: SettingContext } | undefined;

function readImage(
  entry: ReturnType<typeof parseImageList>["entries"][number],
  alias: string,
  lookup: Lookup,
  ownOnly: Lookup,
  options: AnnotationParseOptions,
  diagnostics: Diagnostic[],
  keyOf: (name: string) => string,
): ImageUpdateConfig {
  const collect = <T>(setting: { value: T; diagnostics: readonly Diagnostic[] }): T => {
    diagnostics.push(...setting.diagnostics);
    return setting.value;
  };
  const strategySource = lookup("update-strategy");
  const strategy = strategySource
    ? collect(parseStrategyName(strategySource.value, strategySource.context, options.knownStrategies))
    : "semver";

  let allowTags: TagMatcher = { kind: "any" };
  const allowSource = lookup("allow-tags");
  const legacy = ownOnly("tag-match");
  if (allowSource) {
    allowTags = collect(parseAllowTags(allowSource.value, allowSource.context));
  } else if (legacy) {
    diagnostics.push(
      diag(legacy.context, "warning", "`tag-match` is deprecated; rename the key to `allow-tags` (same value)"),
    );
    allowTags = collect(parseAllowTags(legacy.value, legacy.context));
  }

  const ignoreSource = lookup("ignore-tags");
  const ignoreTags = ignoreSource ? collect(parseIgnoreTags(ignoreSource.value, ignoreSource.context)) : [];
  const forceSource = lookup("force-update");
  const forceUpdate = forceSource ? collect(parseBooleanSetting(forceSource.value, forceSource.context, false)) : false;

  let pullSecret: ImageUpdateConfig["pullSecret"];
  const secretSource = lookup("pull-secret");
  if (secretSource) {
    const parsed = parseCredentialReference(secretSource.value, {
      key: secretSource.context.key,
      ...(alias ? { alias } : {}),
    });
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value) {
      const { registry: _scope, ...reference } = parsed.value;
      pullSecret = reference;
      const ns = "namespace" in reference ? reference.namespace : undefined;
      const appNs = options.application?.namespace;
      if (ns !== undefined && appNs !== undefined && ns !== appNs && !options.allowCrossNamespaceSecrets) {
        const reason = `pull-secret \`${secretSource.value.trim()}\` is in namespace \`${ns}\`, not the application's \`${appNs}\`; copy the Secret into \`${appNs}\` and reference it there`;
        diagnostics.push(diag(secretSource.context, "error", `${reason}; the image is not updated`));
        allowTags = { kind: "none", reason };
      }
    }
  }

  const platformSource = lookup("platforms");
  let platforms: ImageUpdateConfig["platforms"] = [];
  if (platformSource) {
    const parsed = parsePlatformList(platformSource.value, {
      key: platformSource.context.key,
      ...(alias ? { alias } : {}),
    });
    diagnostics.push(...parsed.diagnostics);
    platforms = parsed.platforms;
    if (parsed.invalid.length > 0 && allowTags.kind !== "none") {
      allowTags = { kind: "none", reason: `platforms entry \`${parsed.invalid.join("`, `")}\` is invalid` };
    }
  }

  if (strategy === "digest" && entry.constraint === undefined) {
    const reason = `the digest strategy tracks a tag; write \`${alias ? `${alias}=` : ""}${entry.image.writtenName}:<tag>\` in image-list`;
    diagnostics.push({
      severity: "error",
      key: keyOf("image-list"),
      message: `${reason}; the image is not updated`,
      ...(alias ? { image: alias } : {}),
    });
    if (allowTags.kind !== "none") allowTags = { kind: "none", reason };
  }

  const { ranking, failure } = readRanking(lookup, diagnostics);
  if (failure !== undefined && allowTags.kind !== "none") allowTags = { kind: "none", reason: failure };

  const helmName = ownOnly("helm.image-name")?.value.trim();
  const helmTag = ownOnly("helm.image-tag")?.value.trim();
  const helmSpec = ownOnly("helm.image-spec");
  if (helmSpec && (helmName !== undefined || helmTag !== undefined)) {
    diagnostics.push(
      diag(helmSpec.context, "info", "helm.image-spec is set, so helm.image-name and helm.image-tag are not written"),
    );
  }
  const kustomizeName = ownOnly("kustomize.image-name")?.value.trim();
  const fluxSource = ownOnly("flux-policy");
  const fluxPolicy = fluxSource ? collect(parseFluxPolicy(fluxSource.value, fluxSource.context)) : undefined;

  return {
    alias,
    image: entry.image,
    ...(entry.constraint === undefined ? {} : { constraint: entry.constraint }),
    strategy,
    allowTags,
    ignoreTags,
    forceUpdate,
    ...(pullSecret ? { pullSecret } : {}),
    platforms,
    ...ranking,
    helm: {
      imageName: helmName ?? "image.name",
      imageTag: helmTag ?? "image.tag",
      ...(helmSpec ? { imageSpec: helmSpec.value.trim() } : {}),
    },
    kustomize: kustomizeName ? { imageName: kustomizeName } : {},
    ...(fluxPolicy === undefined ? {} : { fluxPolicy }),
  };
}

function readWriteBack(
  appValue: (name: string) => string | undefined,
  keyOf: (name: string) => string,
  options: AnnotationParseOptions,
  diagnostics: Diagnostic[],
): WriteBackConfig | undefined {
  const methodText = appValue("write-back-method") ?? "argocd";
  const method = parseWriteBackMethod(methodText, ctx(keyOf("write-back-method")), options.application?.namespace);
  diagnostics.push(...method.diagnostics);
  if (method.value === undefined) return undefined;
  const gitKeys = ["write-back-target", "git-branch", "git-branch-prefix", "git-repository"];
  if (method.value.method === "argocd") {
    for (const key of gitKeys) {
      if (appValue(key) !== undefined) {
        diagnostics.push(
          diag(
            ctx(keyOf(key)),
            "warning",
            "only used with a git write-back method; add `write-back-method: git` or remove it",
          ),
        );
      }
    }
    return { method: "argocd" };
  }
  const targetText = appValue("write-back-target");
  const target =
    targetText === undefined
      ? { value: { kind: "default" as const }, diagnostics: [] }
      : parseWriteBackTarget(targetText, ctx(keyOf("write-back-target")));
  diagnostics.push(...target.diagnostics);
  if (target.value === undefined) return undefined;

  const branchText = appValue("git-branch");
  const branch =
    branchText === undefined ? { value: {}, diagnostics: [] } : parseGitBranch(branchText, ctx(keyOf("git-branch")));
  diagnostics.push(...branch.diagnostics);
  const prefix = appValue("git-branch-prefix");
  let writeBranch: string | undefined;
  let branchPrefix: string | undefined;
  if (branch.value.writeBranchTemplate !== undefined) {
    writeBranch = branch.value.writeBranchTemplate;
    if (method.value.branchPerUpdate) {
      diagnostics.push(
        diag(
          ctx(keyOf("git-branch")),
          "info",
          "git-branch names a target branch, which is used instead of the `git:branch` naming",
        ),
      );
    }
  } else if (method.value.branchPerUpdate) {
    branchPrefix = prefix?.trim() ?? DEFAULT_BRANCH_PREFIX;
  } else if (prefix !== undefined) {
    diagnostics.push(
      diag(
        ctx(keyOf("git-branch-prefix")),
        "warning",
        "only used with `write-back-method: git:branch`; set that method or remove it",
      ),
    );
  }
  const repository = appValue("git-repository")?.trim();
  if (repository) diagnostics.push(...checkRepositoryUrl(repository, ctx(keyOf("git-repository"))));
  const git: GitWriteBackConfig = {
    credentials: method.value.credentials ?? { kind: "repocreds" },
    ...(repository ? { repository } : {}),
    ...(branch.value.baseBranch ? { baseBranch: branch.value.baseBranch } : {}),
    ...(writeBranch !== undefined ? { writeBranch } : {}),
    ...(branchPrefix !== undefined ? { branchPrefix } : {}),
    target: target.value,
  };
  return { method: method.value.method, git };
}

function checkUnknownKeys(
  values: ReadonlyMap<string, string>,
  aliasKeys: ReadonlySet<string>,
  keyOf: (name: string) => string,
  diagnostics: Diagnostic[],
): void {
  for (const name of values.keys()) {
    if (APP_KEYS.has(name)) continue;
    const suffix = IMAGE_SUFFIXES.find((s) => name.endsWith(`.${s}`));
    if (suffix === undefined) {
      diagnostics.push({
        severity: "warning",
        key: keyOf(name),
        message: `unknown annotation; per-image keys are \`<alias>.<option>\` with option one of ${IMAGE_SUFFIXES.map((s) => `\`${s}\``).join(", ")}, app-wide keys are ${[...APP_KEYS].map((k) => `\`${k}\``).join(", ")}`,
      });
      continue;
    }
    const alias = name.slice(0, name.length - suffix.length - 1);
    if (!aliasKeys.has(alias)) {
      const known = [...aliasKeys].map((a) => `\`${a}\``).join(", ") || "none";
      diagnostics.push({
        severity: "warning",
        key: keyOf(name),
        message: `\`${alias}\` is not an alias in image-list (aliases: ${known}); name the image \`${alias}=<image>\` in image-list or fix the key`,
      });
    }
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

function ctx(key: string, alias?: string): SettingContext {
  return alias ? { key, alias } : { key };
}
