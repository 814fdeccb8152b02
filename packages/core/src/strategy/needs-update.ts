/**
 * "Does this image need an update?" (argocd-image-updater reference §2.6): find the running image among the
 * Application's `status.summary.images`, let `force-update` stand in for an image that is not live, compare the
 * chosen tag (or digest) with what runs, and skip writes whose value is already in the Application spec.
 */
import { parseImageReference, sameImage } from "../image/reference.js";
import type { ImageRepository } from "../registry/types.js";
import type { CurrentImage } from "./types.js";

/** An image as `status.summary.images` lists it, split into its normalised parts. */
export interface LiveImage {
  /** Registry host, normalised (`docker.io` for Docker Hub). */
  readonly registry: string;
  /** Repository path, normalised (`library/nginx` on Docker Hub). */
  readonly repository: string;
  readonly tag?: string;
  readonly digest?: string;
}

/** Options of {@link findLiveImage}. */
export interface FindLiveImageOptions {
  /** The `kustomize.image-name` override: tried before the configured name, as argocd-image-updater does. */
  readonly kustomizeImage?: ImageRepository | string;
  /**
   * Digest strategy: when several containers run the image, prefer the one running this tag, then one whose
   * digest differs from {@link latestDigest} (argocd-image-updater #1547).
   */
  readonly trackedTag?: string;
  /** The digest the tracked tag points at now. */
  readonly latestDigest?: string;
  /**
   * When no entry names the configured image, accept one with the same repository path on another registry
   * (`org/foo` from Docker Hub for a configured `gcr.io/org/foo`): the image runs under another registry, and
   * writing the configured name moves it there, as argocd-image-updater does. @default false
   */
  readonly acrossRegistries?: boolean;
}

/**
 * The running image matching `configured`: same registry and repository after normalisation, so `nginx`,
 * `library/nginx` and `docker.io/library/nginx` are one image while `harbor.example.com/library/nginx` is another.
 * `live` holds `status.summary.images` entries as written (`nginx:1.25`, `ghcr.io/org/app@sha256:…`) or already
 * parsed; entries that are not image references are skipped. `undefined` when the image is not live. Never throws.
 */
export function findLiveImage(
  configured: ImageRepository | string,
  live: readonly (LiveImage | string)[],
  options: FindLiveImageOptions = {},
): LiveImage | undefined {
  const images = live.map(toLiveImage).filter((image): image is LiveImage => image !== undefined);
  const names = options.kustomizeImage === undefined ? [configured] : [options.kustomizeImage, configured];
  const configuredRepository = toRepository(configured);
  const tries: ((image: LiveImage) => boolean)[] = names.map((name) => (image) => sameImage(image, name));
  if (options.acrossRegistries === true && configuredRepository !== undefined) {
    tries.push((image) => image.repository === configuredRepository.repository);
  }
  for (const matchesName of tries) {
    const matches = images.filter(matchesName);
    if (matches.length === 0) continue;
    if (matches.length === 1 || options.trackedTag === undefined) {
      return preferStale(matches, options.latestDigest);
    }
    const sameTag = matches.filter((image) => image.tag === options.trackedTag);
    return preferStale(sameTag.length > 0 ? sameTag : matches, options.latestDigest);
  }
  return undefined;
}

function toRepository(name: ImageRepository | string): ImageRepository | undefined {
  if (typeof name !== "string") return name;
  const parsed = parseImageReference(name).value;
  return parsed === undefined ? undefined : { registry: parsed.registry, repository: parsed.repository };
}

function toLiveImage(entry: LiveImage | string): LiveImage | undefined {
  if (typeof entry !== "string") return entry;
  const parsed = parseImageReference(entry).value;
  if (parsed === undefined) return undefined;
  return {
    registry: parsed.registry,
    repository: parsed.repository,
    ...(parsed.tag === undefined ? {} : { tag: parsed.tag }),
    ...(parsed.digest === undefined ? {} : { digest: parsed.digest }),
  };
}

function preferStale(matches: readonly LiveImage[], latestDigest: string | undefined): LiveImage | undefined {
  if (latestDigest === undefined) return matches[0];
  return matches.find((image) => image.digest !== latestDigest) ?? matches[0];
}

/**
 * The image the decision should treat as running: the live one, an empty one (no tag: always updated) when
 * `force-update` is set and the image is not live, or `undefined` when the image should be skipped as not live
 * (argocd-image-updater's "Image … seems not to be live in this application, skipping").
 */
export function resolveCurrentImage(live: LiveImage | undefined, forceUpdate: boolean): CurrentImage | undefined {
  if (live !== undefined) {
    return {
      ...(live.tag === undefined ? {} : { tag: live.tag }),
      ...(live.digest === undefined ? {} : { digest: live.digest }),
    };
  }
  return forceUpdate ? {} : undefined;
}

/**
 * True when `chosen` is what already runs. Digest-tracking strategies compare digests only (a running image
 * recorded as a bare digest equals its tag). Otherwise, as argocd-image-updater's `Equals`, two digests decide
 * when both sides have one (so another tag name for the same image is no change), and tag names decide when
 * neither has. Unlike argocd-image-updater, a digest on one side only does not make them differ: a running
 * `app:1.2@sha256:…` equals a chosen `1.2` whose digest was not read, instead of being "updated" to itself.
 */
export function isSameImage(
  current: CurrentImage | null | undefined,
  chosen: { readonly tag: string; readonly digest?: string },
  tracksDigest: boolean,
): boolean {
  if (current === null || current === undefined) return false;
  if (tracksDigest) return current.digest !== undefined && current.digest === chosen.digest;
  if (current.digest !== undefined && chosen.digest !== undefined) return current.digest === chosen.digest;
  return current.tag !== undefined && current.tag !== "" && current.tag === chosen.tag;
}

/** Why {@link needsUpdate} decided as it did. */
export type NeedsUpdateReason =
  /** The chosen tag (or digest) differs from what runs. */
  | "changed"
  /** The chosen tag (or digest) is what runs. */
  | "up-to-date"
  /**
   * The tag is unchanged but the image runs under another name (matched through `kustomize.image-name`), so
   * writing it renames the image, as argocd-image-updater does.
   */
  | "renamed"
  /** The Application spec already holds the chosen value (written earlier, not yet synced). */
  | "already-set";

/** Input of {@link needsUpdate}. */
export interface NeedsUpdateInput {
  /** What runs (from `resolveCurrentImage`). */
  readonly current: CurrentImage | null;
  /** The tag the strategy chose, with its digest when known. */
  readonly chosen: { readonly tag: string; readonly digest?: string };
  /** True for strategies that follow a digest (the built-in `digest`). */
  readonly tracksDigest: boolean;
  /**
   * The value the Application spec (Helm parameter, Kustomize image, override file) holds now for this image,
   * when known. Equal to the chosen value means the write is skipped.
   */
  readonly spec?: CurrentImage | null;
  /** The running image's name, as {@link findLiveImage} matched it. */
  readonly liveName?: ImageRepository | string;
  /** The configured image's name; differing from {@link liveName} means the write renames the image. */
  readonly configuredName?: ImageRepository | string;
}

/** Result of {@link needsUpdate}. */
export interface NeedsUpdateResult {
  /** True when the chosen tag should be written. */
  readonly update: boolean;
  readonly reason: NeedsUpdateReason;
}

/**
 * Whether to write `chosen`: it must differ from what runs and, when the spec value is known, from what the
 * spec holds. For digest tracking the spec must hold the same tag and digest (`tag@sha256:…`) to count as set.
 */
export function needsUpdate(input: NeedsUpdateInput): NeedsUpdateResult {
  const renamed =
    input.liveName !== undefined &&
    input.configuredName !== undefined &&
    !sameImage(input.liveName, input.configuredName);
  if (isSameImage(input.current, input.chosen, input.tracksDigest)) {
    return renamed ? { update: true, reason: "renamed" } : { update: false, reason: "up-to-date" };
  }
  const spec = input.spec;
  if (spec !== undefined && spec !== null && spec.tag === input.chosen.tag) {
    const digestMatches = input.tracksDigest ? spec.digest !== undefined && spec.digest === input.chosen.digest : true;
    if (digestMatches) return { update: false, reason: "already-set" };
  }
  return { update: true, reason: "changed" };
}
