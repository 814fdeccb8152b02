/**
 * One image of one application: list tags (shared across applications), let the strategy decide, and say
 * whether the chosen tag must be written.
 */

import { repositoryInRegistry, resolveRegistryEndpoint } from "../config/registry-endpoint.js";
import type { ImageUpdateConfig } from "../config/types.js";
import type { WatchedImage } from "../editors/current.js";
import type { ImageChange, ImageValueNames } from "../editors/types.js";
import { ImageUpdaterError } from "../errors.js";
import { familiarName, formatImage, parseImageReference, sameImage } from "../image/reference.js";
import type { ImageRepository, Platform, RegistryClient, RegistryEndpoint } from "../registry/types.js";
import { decideUpdate } from "../strategy/decide.js";
import { findLiveImage, type LiveImage, needsUpdate, resolveCurrentImage } from "../strategy/needs-update.js";
import type { Decision, StrategyRegistry } from "../strategy/types.js";
import { listAwaitingHints, type TagHints } from "./tag-hints.js";
import type { ImageResult } from "./types.js";

/** What the cycle shares between all image checks. */
export interface ImageCheckContext {
  readonly registryFor: (registry: string) => RegistryClient;
  readonly endpoints: readonly RegistryEndpoint[];
  readonly strategies: StrategyRegistry | undefined;
  readonly defaultPlatforms: readonly Platform[];
  readonly signal: AbortSignal | undefined;
  /** Tags webhooks announced, by `registry/repository`: their listing waits for them (see `tag-hints.ts`). */
  readonly tagHints?: TagHints;
  /** This cycle's listings of hinted repositories, by client, repository and credentials. */
  readonly hintedListings?: Map<string, Promise<readonly string[]>>;
}

/** The outcome of checking one image. */
export interface ImageCheck {
  readonly result: ImageResult;
  /** Set when the image must be written. */
  readonly change?: ImageChange;
  readonly decision?: Decision;
  readonly error?: ImageUpdaterError;
}

/** Tag listings are shared across applications by core's policies (one request per cycle and key). */
function listTags(
  context: ImageCheckContext,
  client: RegistryClient,
  repo: ImageRepository,
  config: ImageUpdateConfig,
) {
  const credentials = config.pullSecret;
  const list = (fresh: boolean) =>
    client.listTags(repo, {
      ...(credentials === undefined ? {} : { credentials }),
      ...(context.signal === undefined ? {} : { signal: context.signal }),
      ...(fresh ? { fresh } : {}),
    });
  const hints = context.tagHints?.get(`${config.image.registry}/${config.image.repository}`);
  if (hints === undefined || context.hintedListings === undefined) return list(false);
  // Applications sharing the repository share its look-agains too: one wait, not one per application.
  const key = JSON.stringify([client.id, repo.registry, repo.repository, credentials ?? null]);
  let tags = context.hintedListings.get(key);
  if (tags === undefined) {
    tags = listAwaitingHints(list, hints, context.signal === undefined ? {} : { signal: context.signal });
    context.hintedListings.set(key, tags);
  }
  return tags;
}

function asError(error: unknown): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  return new ImageUpdaterError("REGISTRY_PROTOCOL", error instanceof Error ? error.message : String(error), {
    cause: error,
  });
}

/** Checks one image against the live images (status or Git) and the spec values. Never throws. */
export async function checkImage(
  context: ImageCheckContext,
  config: ImageUpdateConfig,
  live: readonly LiveImage[],
  spec: readonly LiveImage[],
): Promise<ImageCheck> {
  const image = formatImage(config.image, { tag: null, digest: null });
  const base = { alias: config.alias === "" ? image : config.alias, image };
  const kustomizeName = config.kustomize.imageName;
  const kustomizeRef = kustomizeName === undefined ? undefined : liveName(kustomizeName);
  const running = findLiveImage(config.image, live, {
    acrossRegistries: true,
    ...(kustomizeRef === undefined ? {} : { kustomizeImage: kustomizeRef }),
  });
  // The image runs from another registry than the configured one: writing the configured name moves it.
  const movedFrom =
    running !== undefined && kustomizeRef === undefined && !sameImage(running, config.image)
      ? familiarName(running)
      : undefined;
  const current = resolveCurrentImage(running, config.forceUpdate);
  if (current === undefined) {
    return {
      result: {
        ...base,
        outcome: "skipped",
        oldTag: null,
        newTag: null,
        newDigest: null,
        message: `Image '${image}' seems not to be live in this application, skipping`,
      },
    };
  }
  const oldTag = current.tag === undefined || current.tag === "" ? null : current.tag;
  try {
    const endpoint = resolveRegistryEndpoint(context.endpoints, config.image);
    const repo: ImageRepository = {
      registry: config.image.registry,
      repository: repositoryInRegistry(config.image, endpoint),
    };
    const client = context.registryFor(repo.registry);
    const tags = await listTags(context, client, repo, config);
    const platforms = config.platforms.length > 0 ? config.platforms : context.defaultPlatforms;
    const credentials = config.pullSecret === undefined ? {} : { credentials: config.pullSecret };
    const signal = context.signal === undefined ? {} : { signal: context.signal };
    const decision = await decideUpdate({
      current,
      ...(config.constraint === undefined ? {} : { constraint: config.constraint }),
      strategy: config.strategy,
      allowTags: config.allowTags,
      ignoreTags: config.ignoreTags,
      platforms,
      tags,
      metadata: {
        get: (tag) => client.getMetadata(repo, tag, { platforms, ...credentials, ...signal }),
        getDigest: (tag) => client.getDigest(repo, tag, { ...credentials, ...signal }),
      },
      tagSortMode: endpoint.tagSortMode,
      ...(config.extract === undefined ? {} : { extract: config.extract }),
      ...(config.sortOrder === undefined ? {} : { order: config.sortOrder }),
      ...(config.naturalSort ? { naturalSort: true } : {}),
      ...(context.strategies === undefined ? {} : { registry: context.strategies }),
      ...signal,
    });
    if (decision.kind === "error") {
      const error = decision.error ?? new ImageUpdaterError("CONFIG_INVALID", decision.message);
      return {
        result: { ...base, outcome: "error", oldTag, newTag: null, newDigest: null, message: error.message },
        decision,
        error,
      };
    }
    if (decision.kind === "none" || decision.tag === undefined) {
      return {
        result: { ...base, outcome: "no-candidate", oldTag, newTag: null, newDigest: null, message: decision.message },
        decision,
      };
    }
    const chosen = { tag: decision.tag, ...(decision.digest === undefined ? {} : { digest: decision.digest }) };
    const tracksDigest = config.strategy === "digest";
    const inSpec = findLiveImage(
      config.image,
      spec,
      kustomizeRef === undefined ? {} : { kustomizeImage: kustomizeRef },
    );
    const moved = movedFrom === undefined ? {} : { liveName: movedFrom, configuredName: config.image };
    const verdict =
      decision.kind === "keep" && movedFrom === undefined
        ? { update: false, reason: "up-to-date" }
        : needsUpdate({
            current,
            chosen,
            tracksDigest,
            spec: movedFrom === undefined ? (inSpec ?? null) : null,
            ...moved,
          });
    const newDigest = decision.digest ?? null;
    if (!verdict.update) {
      const message =
        verdict.reason === "already-set"
          ? `New image ${image}:${chosen.tag} already set in spec`
          : `Image '${image}' already on latest allowed version`;
      return { result: { ...base, outcome: "up-to-date", oldTag, newTag: chosen.tag, newDigest, message }, decision };
    }
    const change: ImageChange = {
      ...watchedImage(config),
      ...(movedFrom === undefined ? {} : { currentImage: movedFrom }),
      ...(oldTag === null ? {} : { oldTag }),
      ...(current.digest === undefined ? {} : { oldDigest: current.digest }),
      newTag: chosen.tag,
      ...(chosen.digest === undefined ? {} : { newDigest: chosen.digest }),
      ...(tracksDigest ? { pinDigest: true } : {}),
    };
    return {
      result: {
        ...base,
        outcome: "updated",
        oldTag,
        newTag: chosen.tag,
        newDigest,
        message: `Setting new image to ${formatImage(config.image, { tag: chosen.tag, digest: tracksDigest ? newDigest : null })}`,
      },
      change,
      decision,
    };
  } catch (error) {
    const typed = asError(error);
    return {
      result: { ...base, outcome: "error", oldTag, newTag: null, newDigest: null, message: typed.message },
      error: typed,
    };
  }
}

/** How the editors find a configured image in files (names of Helm values, Kustomize override, plugin env). */
export function watchedImage(config: ImageUpdateConfig): WatchedImage {
  const helm = config.helm;
  return {
    ...(config.alias === "" ? {} : { alias: config.alias }),
    image: formatImage(config.image, { tag: null, digest: null }),
    helm: {
      name: helm.imageName,
      tag: helm.imageTag,
      ...(helm.imageSpec === undefined ? {} : { spec: helm.imageSpec }),
    },
    ...(config.plugin === undefined ? {} : { plugin: pluginNames(config.plugin) }),
    ...(config.kustomize.imageName === undefined ? {} : { kustomizeImageName: config.kustomize.imageName }),
    ...(config.fluxPolicy === undefined ? {} : { imagePolicy: config.fluxPolicy }),
  };
}

/** Registry and repository of an image name such as `kustomize.image-name`, or undefined when it is not one. */
function liveName(name: string): { registry: string; repository: string } | undefined {
  const value = parseImageReference(name).value;
  return value === undefined ? undefined : { registry: value.registry, repository: value.repository };
}

function pluginNames(plugin: NonNullable<ImageUpdateConfig["plugin"]>): ImageValueNames {
  return {
    ...(plugin.imageName === undefined ? {} : { name: plugin.imageName }),
    ...(plugin.imageTag === undefined ? {} : { tag: plugin.imageTag }),
    ...(plugin.imageSpec === undefined ? {} : { spec: plugin.imageSpec }),
  };
}
