/**
 * Lazy, bounded metadata reads for strategies that need them: only the tags that survived every filter, at most
 * `concurrency` requests in flight, and no new request once one failed or the caller aborted, so a rate-limited
 * registry is not hammered for a decision that is already lost.
 */
import pLimit from "p-limit";
import { ImageUpdaterError, RegistryError } from "../errors.js";
import type { ManifestMetadata } from "../registry/types.js";
import type { TagMetadataProvider } from "./types.js";

/** What was read for one tag. `metadata` is absent when only the digest was asked for. */
export interface FetchedTag {
  readonly digest: string | null;
  readonly metadata?: ManifestMetadata | null;
}

/** Options of {@link fetchTags}. */
export interface FetchTagsOptions {
  /** `digest`: use `getDigest` when the provider has it; `full`: always `get`. */
  readonly mode: "digest" | "full";
  /** Most reads in flight at once (at least 1). */
  readonly concurrency: number;
  /** Stops new reads and rejects with `ABORTED`. */
  readonly signal?: AbortSignal;
}

/**
 * Reads every tag in `tags` through `provider`. Resolves a map by tag; rejects with an `ImageUpdaterError`
 * (the provider's own, `ABORTED`, or `REGISTRY_PROTOCOL` wrapping anything else) on the first failure.
 */
export async function fetchTags(
  provider: TagMetadataProvider,
  tags: readonly string[],
  options: FetchTagsOptions,
): Promise<Map<string, FetchedTag>> {
  const controller = new AbortController();
  const signal =
    options.signal === undefined ? controller.signal : AbortSignal.any([options.signal, controller.signal]);
  const limit = pLimit(Math.max(1, Math.floor(options.concurrency) || 1));
  const results = new Map<string, FetchedTag>();
  const getDigest = provider.getDigest?.bind(provider);

  async function read(tag: string): Promise<void> {
    if (signal.aborted) return;
    if (options.mode === "digest" && getDigest !== undefined) {
      results.set(tag, { digest: await getDigest(tag, { signal }) });
      return;
    }
    const metadata = await provider.get(tag, { signal });
    results.set(tag, { digest: metadata?.digest ?? null, metadata });
  }

  try {
    await Promise.all(
      tags.map((tag) =>
        limit(() =>
          read(tag).catch((error: unknown) => {
            controller.abort();
            limit.clearQueue();
            throw error;
          }),
        ),
      ),
    );
  } catch (error) {
    throw toImageUpdaterError(error, options.signal);
  }
  if (options.signal?.aborted) throw toImageUpdaterError(options.signal.reason, options.signal);
  return results;
}

function toImageUpdaterError(error: unknown, signal: AbortSignal | undefined): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  if (signal?.aborted) return new ImageUpdaterError("ABORTED", "the decision was aborted", { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new RegistryError("REGISTRY_PROTOCOL", `reading tag metadata failed: ${message}`, { cause: error });
}
