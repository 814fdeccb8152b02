/**
 * Image references: parse `registry/namespace/name:tag@digest` the way Docker does, normalise, compare and
 * render them. Nothing here throws on user input.
 */
import type { Diagnostic, ParseResult } from "../config/diagnostic.js";
import type { ImageRepository } from "../registry/types.js";
import { DOMAIN, digestProblem, looksLikeRegistry, MAX_NAME_LENGTH, PATH_COMPONENT, TAG } from "./grammar.js";

/** Docker Hub's canonical registry name. */
export const DOCKER_HUB_REGISTRY = "docker.io";

/** Registry spellings that mean Docker Hub. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io"]);

/**
 * A parsed image reference. `registry` and `repository` are canonical (Docker Hub is `docker.io`, and its
 * official images carry `library/`), so it can be handed to a {@link RegistryClient} as an
 * {@link ImageRepository}. `writtenName` keeps the user's spelling for editors that must not rewrite it.
 */
export interface ImageReference extends ImageRepository {
  /** Canonical registry host with optional port: `docker.io` when none was written. */
  readonly registry: string;
  /** Canonical repository path: `library/nginx` for `nginx`; other registries get no `library/`. */
  readonly repository: string;
  readonly tag?: string;
  /** `algorithm:hex`, e.g. `sha256:…`. */
  readonly digest?: string;
  /** The name as written, without tag or digest: `nginx`, `docker.io/nginx`, `ghcr.io/org/app`. */
  readonly writtenName: string;
  /** True when the text named its registry (`docker.io/nginx`), false for `nginx` or `myorg/app`. */
  readonly registryExplicit: boolean;
  /** The whole text as given, trimmed. */
  readonly original: string;
}

/** Options of the parsers in this module. */
export interface ImageParseOptions {
  /** Diagnostic key to report under (an annotation key, a field path). @default "image" */
  readonly key?: string;
  /** Alias to attach to diagnostics. */
  readonly alias?: string;
}

/** The name part of a reference, parsed. */
export interface ParsedImageName {
  readonly registry: string;
  readonly repository: string;
  readonly registryExplicit: boolean;
  readonly writtenName: string;
}

/**
 * Parses an image name without tag or digest (`nginx`, `ghcr.io/org/app`, `localhost:5000/x`). Returns the
 * reason as text when the name is invalid. A first segment is a registry when it has a dot, a colon, is
 * `localhost`, or has uppercase letters (Docker's rule).
 */
export function parseImageName(name: string): ParsedImageName | string {
  if (name === "") return "the image name is empty";
  if (name.length > MAX_NAME_LENGTH) return `an image name has at most ${MAX_NAME_LENGTH} characters`;
  if (/\s/.test(name)) return "an image name has no spaces";
  const slash = name.indexOf("/");
  const first = slash === -1 ? "" : name.slice(0, slash);
  const explicit = slash !== -1 && looksLikeRegistry(first);
  const written = explicit ? first : "";
  const path = explicit ? name.slice(slash + 1) : name;
  if (explicit && !DOMAIN.test(first)) {
    return `\`${first}\` is not a valid registry host (write \`host[:port]\`, e.g. \`ghcr.io\` or \`localhost:5000\`)`;
  }
  const components = path.split("/");
  for (const component of components) {
    if (component === "") return "an image name has no empty path segments (no leading, trailing or double `/`)";
    if (!PATH_COMPONENT.test(component)) {
      const lower = component.toLowerCase();
      if (PATH_COMPONENT.test(lower))
        return `repository names are lowercase: write \`${lower}\` instead of \`${component}\``;
      return `\`${component}\` is not a valid repository segment (lowercase letters, digits, and single \`.\`, \`_\`, \`__\` or \`-\` between them)`;
    }
  }
  const registry = DOCKER_HUB_ALIASES.has(written) || written === "" ? DOCKER_HUB_REGISTRY : written;
  const repository = registry === DOCKER_HUB_REGISTRY && components.length === 1 ? `library/${path}` : path;
  return { registry, repository, registryExplicit: explicit, writtenName: name };
}

/** Splits `name[:tag][@digest]` into its parts without validating them. The tag colon comes after the last `/`. */
export function splitReference(text: string): { name: string; tag?: string; digest?: string } {
  const at = text.indexOf("@");
  const beforeDigest = at === -1 ? text : text.slice(0, at);
  const digest = at === -1 ? undefined : text.slice(at + 1);
  const lastSlash = beforeDigest.lastIndexOf("/");
  const colon = beforeDigest.indexOf(":", lastSlash + 1);
  const name = colon === -1 ? beforeDigest : beforeDigest.slice(0, colon);
  const tag = colon === -1 ? undefined : beforeDigest.slice(colon + 1);
  return { name, ...(tag === undefined ? {} : { tag }), ...(digest === undefined ? {} : { digest }) };
}

/**
 * Parses a full image reference `[registry/]name[:tag][@digest]` strictly (OCI grammar). Never throws:
 * an invalid reference gives no value and an error diagnostic saying what to write. For `image-list`
 * entries, whose tag part may be a version constraint, use {@link parseImageListEntry}.
 */
export function parseImageReference(text: string, options: ImageParseOptions = {}): ParseResult<ImageReference> {
  const original = String(text).trim();
  const fail = (message: string): ParseResult<ImageReference> => ({
    diagnostics: [diagnostic(options, `invalid image reference \`${original}\`: ${message}`)],
  });
  const parts = splitReference(original);
  const name = parseImageName(parts.name);
  if (typeof name === "string") return fail(name);
  if (parts.tag !== undefined && !TAG.test(parts.tag)) {
    return fail(
      "a tag has 1 to 128 letters, digits, `_`, `.` or `-` and does not start with `.` or `-` (a version constraint belongs in `image-list`)",
    );
  }
  if (parts.digest !== undefined) {
    const problem = digestProblem(parts.digest);
    if (problem !== undefined) return fail(problem);
  }
  return {
    value: {
      registry: name.registry,
      repository: name.repository,
      ...(parts.tag === undefined ? {} : { tag: parts.tag }),
      ...(parts.digest === undefined ? {} : { digest: parts.digest }),
      writtenName: name.writtenName,
      registryExplicit: name.registryExplicit,
      original,
    },
    diagnostics: [],
  };
}

/** How {@link formatImage} spells the name. */
export type ImageNameStyle = "as-written" | "canonical" | "familiar";

/** Options of {@link formatImage}. */
export interface FormatImageOptions {
  /** Tag to render; `null` drops it. @default the reference's own tag */
  readonly tag?: string | null;
  /** Digest to render; `null` drops it. @default the reference's own digest */
  readonly digest?: string | null;
  /**
   * `as-written` keeps the user's spelling (`nginx`, `docker.io/nginx`), which editors need;
   * `canonical` is `docker.io/library/nginx`; `familiar` drops `docker.io/` and `library/` (`nginx`).
   * @default "as-written"
   */
  readonly style?: ImageNameStyle;
}

/** Renders `name`, `name:tag`, `name@digest` or `name:tag@digest`. */
export function formatImage(ref: ImageReference, options: FormatImageOptions = {}): string {
  const style = options.style ?? "as-written";
  const tag = options.tag === undefined ? ref.tag : (options.tag ?? undefined);
  const digest = options.digest === undefined ? ref.digest : (options.digest ?? undefined);
  const name =
    style === "as-written"
      ? ref.writtenName
      : style === "canonical"
        ? `${ref.registry}/${ref.repository}`
        : familiarName(ref);
  return `${name}${tag ? `:${tag}` : ""}${digest ? `@${digest}` : ""}`;
}

/** Docker's familiar spelling: `nginx` for `docker.io/library/nginx`, `myorg/app` for `docker.io/myorg/app`. */
export function familiarName(ref: ImageRepository): string {
  if (ref.registry !== DOCKER_HUB_REGISTRY) return `${ref.registry}/${ref.repository}`;
  const rest = ref.repository.slice("library/".length);
  return ref.repository.startsWith("library/") && !rest.includes("/") ? rest : ref.repository;
}

/**
 * The canonical name (`docker.io/library/nginx`) of an image name or reference; tag and digest are dropped.
 * `undefined` when the text is not a valid reference.
 */
export function normalizeImageName(text: string): string | undefined {
  const parsed = parseImageReference(text);
  return parsed.value === undefined ? undefined : `${parsed.value.registry}/${parsed.value.repository}`;
}

/**
 * True when both name the same repository: `nginx`, `library/nginx`, `docker.io/nginx`,
 * `index.docker.io/library/nginx` are one image. Tags and digests are ignored; an invalid text is equal to
 * nothing.
 */
export function sameImage(a: ImageRepository | string, b: ImageRepository | string): boolean {
  const left = toRepository(a);
  const right = toRepository(b);
  return (
    left !== undefined &&
    right !== undefined &&
    left.registry === right.registry &&
    left.repository === right.repository
  );
}

function toRepository(value: ImageRepository | string): ImageRepository | undefined {
  return typeof value === "string" ? parseImageReference(value).value : value;
}

function diagnostic(options: ImageParseOptions, message: string): Diagnostic {
  return {
    severity: "error",
    key: options.key ?? "image",
    message,
    ...(options.alias === undefined ? {} : { image: options.alias }),
  };
}
