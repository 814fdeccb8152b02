/** One image of an `ImageUpdater` CR → {@link ImageUpdateConfig}. */
import { parseImageListEntry } from "../image/image-list.js";
import { parsePlatformList } from "../image/platform.js";
import { checkFields, defined, type Sourced } from "./crd-fields.js";
import {
  type CommonSettings,
  mergeVerification,
  readCommon,
  readVerification,
  type VerificationSettings,
} from "./crd-settings.js";
import { parseCredentialReference } from "./credentials.js";
import type { Diagnostic } from "./diagnostic.js";
import { isRecord } from "./label-selector.js";
import { diag, parseAllowTags, parseGlobList, parseStrategyName, type SettingContext } from "./settings.js";
import type { ImageUpdateConfig, TagMatcher } from "./types.js";

/** Options that shape image configs. */
export interface ImageBuildOptions {
  /** Custom strategy names registered with the engine. */
  readonly knownStrategies?: readonly string[];
  /** Accept pull secrets outside the CR's namespace. @default false */
  readonly allowCrossNamespaceSecrets?: boolean;
}

/** What building an image needs besides the CR fields. */
export interface BuildContext {
  readonly namespace: string;
  readonly options: ImageBuildOptions;
  readonly diagnostics: Diagnostic[];
}

/** One `images[]` entry with inherited settings → its config; `undefined` (reported) when unusable. */
export function buildImage(
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
