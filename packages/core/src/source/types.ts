/**
 * Where applications come from: the Kubernetes API, or a directory of Argo CD manifests. The shapes follow
 * Argo CD's `Application` (argoproj.io/v1alpha1), keeping only what image updates need.
 */
import type { RequestOptions } from "../registry/types.js";

/** Identifies an application. */
export interface ApplicationRef {
  readonly namespace: string;
  readonly name: string;
}

/** A Helm parameter of an Application source. */
export interface HelmParameter {
  readonly name: string;
  readonly value: string;
  readonly forceString?: boolean;
}

/** One source of an Application (`spec.source` or an entry of `spec.sources`). */
export interface ApplicationSourceSpec {
  readonly repoURL: string;
  readonly path?: string;
  readonly targetRevision?: string;
  /** Name other sources use to read this one's files (`$<ref>/values.yaml` in `helm.valueFiles`). */
  readonly ref?: string;
  readonly chart?: string;
  readonly helm?: { readonly parameters?: readonly HelmParameter[]; readonly valueFiles?: readonly string[] };
  readonly kustomize?: { readonly images?: readonly string[] };
  readonly plugin?: { readonly name?: string; readonly env?: readonly { name: string; value: string }[] };
  readonly directory?: Readonly<Record<string, unknown>>;
}

/** How Argo CD renders a source. */
export type ApplicationSourceType = "Helm" | "Kustomize" | "Directory" | "Plugin";

/** An Argo CD Application as the engine sees it. */
export interface Application extends ApplicationRef {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly spec: {
    readonly project?: string;
    readonly source?: ApplicationSourceSpec;
    readonly sources?: readonly ApplicationSourceSpec[];
  };
  readonly status?: {
    /** `status.sourceType`, when Argo CD recorded it. */
    readonly sourceType?: ApplicationSourceType;
    /** `status.summary.images`: what runs now. */
    readonly summary?: { readonly images?: readonly string[] };
  };
  /** `metadata.resourceVersion`, for optimistic concurrency on write-back. */
  readonly resourceVersion?: string;
}

/** A change to the set of applications. */
export type ApplicationEvent =
  | { readonly type: "upsert"; readonly application: Application }
  | { readonly type: "delete"; readonly ref: ApplicationRef };

/** Lists (and optionally watches) applications. */
export interface ApplicationSource {
  /** Source id: `kubernetes`, `directory`. */
  readonly id: string;
  /** Every application now. Rejects with `SOURCE_UNAVAILABLE` when the source cannot be read. */
  list(options?: RequestOptions): Promise<readonly Application[]>;
  /** Changes after the call, in order; the iterable ends when `signal` aborts. */
  watch?(options?: RequestOptions): AsyncIterable<ApplicationEvent>;
}

/** Writes image changes into the Application itself (the `argocd` write-back method). */
export interface ApplicationWriter {
  /**
   * Replaces the image-related parts of the source (`helm.parameters`, `kustomize.images`, `plugin.env`)
   * with optimistic concurrency, retrying on conflict. Rejects with `SOURCE_UNAVAILABLE` on failure.
   */
  updateSource(ref: ApplicationRef, source: ApplicationSourceSpec, options?: RequestOptions): Promise<void>;
}
