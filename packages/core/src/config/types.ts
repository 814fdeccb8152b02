/**
 * The configuration model every front end (annotations, the `ImageUpdater` CRD) produces and the engine
 * consumes. Values are resolved: defaults applied, aliases canonicalised, nothing left to re-parse.
 */
import type { ImageReference } from "../image/reference.js";
import type { CredentialReference, Platform } from "../registry/types.js";
import type { ApplicationRef } from "../source/types.js";
import type { Diagnostic } from "./diagnostic.js";

/**
 * Which tags an image may move to (`allow-tags`).
 * - `any`: every tag.
 * - `regexp`: tags matched (unanchored) by the RE2 expression `pattern` (Go syntax, evaluated in linear time
 *   by `compilePattern`); `written` is the text as the user wrote it, for messages.
 * - `none`: no tag at all, because the configuration is broken (fail closed); `reason` says why.
 */
export type TagMatcher =
  | { readonly kind: "any" }
  | { readonly kind: "regexp"; readonly pattern: string; readonly written: string }
  | { readonly kind: "none"; readonly reason: string };

/** Helm parameter names an image is written to. With `imageSpec`, `imageName` and `imageTag` are not written. */
export interface HelmImageParameters {
  /** @default "image.name" */
  readonly imageName: string;
  /** @default "image.tag" */
  readonly imageTag: string;
  /** Parameter receiving the full `repo:tag[@digest]`. */
  readonly imageSpec?: string;
}

/** Kustomize image settings. */
export interface KustomizeImageSettings {
  /** Image name in `kustomization.yaml` to override (`kustomize edit set image <imageName>=<new>`). Default: the image's own name. */
  readonly imageName?: string;
}

/** Plugin environment variable names an image is written to (CRD `manifestTargets.plugin`). */
export interface PluginImageParameters {
  readonly imageName?: string;
  readonly imageTag?: string;
  readonly imageSpec?: string;
}

/** Where an image is written inside the application, when a CR chose it explicitly. */
export type ManifestTargetKind = "helm" | "kustomize" | "plugin";

/** Everything needed to check and update one image of one application. */
export interface ImageUpdateConfig {
  /** Alias from `image-list` (`myapp=…`) or the CR's `images[].alias`; `""` for an alias-less image. */
  readonly alias: string;
  /** The configured image, without tag. */
  readonly image: ImageReference;
  /** Tag part of the configured image: a semver constraint, or the tag to track for `digest`. */
  readonly constraint?: string;
  /**
   * Canonical strategy name: `semver`, `newest-build`, `alphabetical`, `digest`, `numerical` or a
   * registered custom name. Aliases are resolved (`latest` → `newest-build`, `name` → `alphabetical`).
   */
  readonly strategy: string;
  readonly allowTags: TagMatcher;
  /** Globs (`*`, `?`, `[…]`) of tags never selected. `*` disables updates. */
  readonly ignoreTags: readonly string[];
  /** Update even when the image is not in `status.summary.images`. */
  readonly forceUpdate: boolean;
  readonly pullSecret?: CredentialReference;
  /** Platforms candidates must offer. Empty: the engine's default (the updater's own platform). */
  readonly platforms: readonly Platform[];
  readonly helm: HelmImageParameters;
  readonly kustomize: KustomizeImageSettings;
  /** Present when a CR set `manifestTargets.plugin`. */
  readonly plugin?: PluginImageParameters;
  /** Rank on a capture group of each tag (`<alias>.extract`, `<alias>.extract-group`); the whole tag is written. */
  readonly extract?: { readonly pattern: string; readonly group?: string };
  /** Alphabetical and numerical: `desc` picks the smallest (`<alias>.sort-order`). */
  readonly sortOrder?: "asc" | "desc";
  /** Alphabetical: natural order, `v9` before `v10` (`<alias>.natural-sort`). */
  readonly naturalSort?: boolean;
  /**
   * Flux `ImagePolicy` (`<namespace>:<name>`) whose `$imagepolicy` setter markers this image fills with the
   * `flux` write-back target (`<alias>.flux-policy`).
   */
  readonly fluxPolicy?: string;
  /** Set when a CR chose the target with `manifestTargets`; absent: follow the application's source type. */
  readonly manifestTarget?: ManifestTargetKind;
}

/** Git credentials for write-back. */
export type GitCredentialsSource =
  | { readonly kind: "repocreds" }
  | { readonly kind: "secret"; readonly namespace: string; readonly name: string };

/**
 * Where changes are written (`write-back-target`, a CR's `writeBackTarget`). Paths are relative to the source
 * path; a leading `/` makes them repository-relative.
 * - `default`: `.argocd-source-<app>.yaml` for Helm/Kustomize/Plugin apps, the plain manifests for Directory
 *   apps (DESIGN §8); for a values-only source of a multi-source app, its `$ref` values file.
 * - `kustomization`: the `kustomization.yaml` in `path` (default: the source path).
 * - `helmvalues`: the values file `path` (default: `values.yaml` in the source path, or the `$ref` values file).
 * - `manifests`: the plain manifests in `path` (a directory, searched recursively, or one file).
 * - `flux`: the Flux setter markers (`# {"$imagepolicy": …}`) in `path` (a directory or one file).
 * - `file`: a literal parameter-override file path (`.yaml`/`.yml`), repository-relative.
 */
export type WriteBackTarget =
  | { readonly kind: "default" }
  | { readonly kind: "kustomization"; readonly path?: string }
  | { readonly kind: "helmvalues"; readonly path?: string }
  | { readonly kind: "manifests"; readonly path?: string }
  | { readonly kind: "flux"; readonly path?: string }
  | { readonly kind: "file"; readonly path: string };

/** A pull request to open after pushing a write branch. */
export interface PullRequestConfig {
  readonly provider: "github" | "gitlab";
  /** Labels put on the pull request. */
  readonly labels: readonly string[];
}

/** Git write-back settings. */
export interface GitWriteBackConfig {
  readonly credentials: GitCredentialsSource;
  /** Repository URL to write to; absent: the application's `repoURL`. */
  readonly repository?: string;
  /** Branch to check out and base changes on; absent: the source's `targetRevision` (or the remote's default). */
  readonly baseBranch?: string;
  /**
   * Branch name template for the push branch (`git-branch: base:target`, a CR's `branch`, the generated
   * pull-request branch), rendered by the template module with `.Images`, `.SHA256`, `.AppName`…
   * Absent, with no `branchPrefix`: push to `baseBranch` (direct commit).
   */
  readonly writeBranch?: string;
  /**
   * The seed's `git:branch` naming, used when `writeBranch` is absent: push to
   * `<branchPrefix><last segment of the image name>-<new tag>` per changed image, joined with `-`
   * (`image-update/myapp-1.2.3`), as the template module's `branchNameFromPrefix` renders it.
   */
  readonly branchPrefix?: string;
  readonly target: WriteBackTarget;
  readonly pullRequest?: PullRequestConfig;
}

/** Write-back methods. */
export type WriteBackMethodName = "argocd" | "git" | "git:noop";

/** How changes are persisted. */
export interface WriteBackConfig {
  /**
   * `argocd` patches the Application; `git` commits to the GitOps repository; `git:noop` decides and
   * reports as `git` would, and never writes (dry run).
   */
  readonly method: WriteBackMethodName;
  /** Present when `method` is `git` or `git:noop`. */
  readonly git?: GitWriteBackConfig;
}

/** The image-update configuration of one application. */
export interface ApplicationUpdateConfig {
  /** The application it belongs to, when known. */
  readonly application?: ApplicationRef;
  /** Every usable image, in `image-list` order. Bad entries are left out (and reported). */
  readonly images: readonly ImageUpdateConfig[];
  readonly writeBack: WriteBackConfig;
  /**
   * False when the application must not be updated: it names no image, or an application-wide setting
   * (write-back) is broken, so writing would do the wrong thing. The diagnostics say why.
   */
  readonly updatable: boolean;
}

/** Parse result of a whole application's configuration. */
export interface ApplicationConfigResult {
  readonly config: ApplicationUpdateConfig;
  readonly diagnostics: readonly Diagnostic[];
}
