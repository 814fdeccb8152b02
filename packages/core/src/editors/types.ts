/**
 * What the editors take and give: the images to write for one application, and the outcome of an edit.
 * Editors are pure: text in, text out, plus a changed flag and diagnostics. They never throw on file content.
 */

/** Helm parameter (or plugin env) names an image is written to. */
export interface ImageValueNames {
  /** Key of the repository value (`image.name` by default for Helm). */
  readonly name?: string;
  /** Key of the tag value (`image.tag` by default for Helm). */
  readonly tag?: string;
  /** Key of a single `repo:tag` value; when set, `name` and `tag` are not written. */
  readonly spec?: string;
}

/** One image of one application to move to a new tag. */
export interface ImageChange {
  /** Alias from `image-list` (`app` in `app=docker.io/myorg/myapp`). */
  readonly alias?: string;
  /**
   * The watched image as configured, without its constraint: `docker.io/myorg/myapp`, `nginx`,
   * `ghcr.io/org/app`. Files are matched by normalised name (`nginx` ≡ `docker.io/library/nginx`).
   */
  readonly image: string;
  /**
   * The name the image runs under now, when it is {@link ImageChange.image}'s repository on another registry
   * (`image-list: foo=gcr.io/org/foo` over a running `org/foo`): editors also find the image under this name,
   * and write {@link ImageChange.image}'s name there.
   */
  readonly currentImage?: string;
  /** Tag deployed before, when known (for commit messages and branch names). */
  readonly oldTag?: string;
  /** Digest deployed before, when known. */
  readonly oldDigest?: string;
  /** Tag to write. */
  readonly newTag: string;
  /**
   * Digest of the new tag. Written as `tag@digest` where the file already pins a digest, or everywhere when
   * {@link ImageChange.pinDigest} is set.
   */
  readonly newDigest?: string;
  /** Always write `tag@digest` (the `digest` strategy). Needs `newDigest`. @default false */
  readonly pinDigest?: boolean;
  /** Helm value keys (annotation `<alias>.helm.image-name` / `-tag` / `-spec`). Defaults `image.name`, `image.tag`. */
  readonly helm?: ImageValueNames;
  /** Plugin env names (`manifestTargets.plugin`). */
  readonly plugin?: ImageValueNames;
  /** Name in kustomize `images:` to override (`<alias>.kustomize.image-name`). @default the image's name */
  readonly kustomizeImageName?: string;
  /** Flux `ImagePolicy` (`<namespace>:<name>`) whose setter markers this change fills (the `flux` target). */
  readonly imagePolicy?: string;
  /** OCI labels of the new image, shown to commit templates as `.Labels`. */
  readonly labels?: Readonly<Record<string, string>>;
}
