import {
  decideUpdate,
  hasErrors,
  ImageUpdaterError,
  type Platform,
  parseAllowTags,
  parseCredentialReference,
  parseImageReference,
  parsePlatform,
  repositoryInRegistry,
  toDecisionJson,
} from "@image-updater/core";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";
import type { TestImageRequest, TestImageResult } from "./test-image-types.js";

/** Collaborators of {@link testImage}. */
export interface TestImageDependencies {
  readonly signal?: AbortSignal;
  /** Warnings worth a log line (a registries.conf problem, a truncated tag list). */
  readonly onWarning?: (message: string) => void;
}

/** The request could not be used as given: the CLI exits 2 with this message. */
export class TestImageUsageError extends Error {}

/**
 * Looks the image up in its registry and runs the strategy engine over its tags, exactly as a cycle would,
 * without a running image (so every qualifying tag is a candidate). Rejects with {@link TestImageUsageError}
 * for unusable input and with core's typed errors for registry failures.
 */
export async function testImage(request: TestImageRequest, deps: TestImageDependencies = {}): Promise<TestImageResult> {
  const parsed = parseImageReference(request.image);
  const ref = parsed.value;
  if (!ref || hasErrors(parsed.diagnostics)) {
    throw new TestImageUsageError(
      parsed.diagnostics.map((d) => d.message).join("; ") || `"${request.image}" is not an image reference`,
    );
  }
  const allowTags = request.allowTags === null ? undefined : parseAllowTags(request.allowTags, { key: "--allow-tags" });
  if (allowTags && hasErrors(allowTags.diagnostics)) {
    throw new TestImageUsageError(allowTags.diagnostics.map((d) => d.message).join("; "));
  }
  const platforms: Platform[] = [];
  for (const text of request.platforms) {
    const platform = parsePlatform(text);
    if (!platform.value) throw new TestImageUsageError(platform.diagnostics.map((d) => d.message).join("; "));
    platforms.push(platform.value);
  }
  let credentials: ReturnType<typeof parseCredentialReference>["value"];
  if (request.credentials !== null) {
    const reference = parseCredentialReference(request.credentials, { key: "--credentials" });
    if (!reference.value) throw new TestImageUsageError(reference.diagnostics.map((d) => d.message).join("; "));
    credentials = reference.value;
  }

  const registries = createConfiguredRegistry({
    registriesConf: request.registriesConf,
    ...(request.rateLimit ? { rateLimits: { [ref.registry]: request.rateLimit } } : {}),
    ...(deps.onWarning ? { onWarning: deps.onWarning } : {}),
  });
  try {
    const endpoint = registries.endpointFor(ref);
    const repo = { registry: ref.registry, repository: repositoryInRegistry(ref, endpoint) };
    const callOptions = {
      ...(credentials ? { credentials } : {}),
      ...(deps.signal ? { signal: deps.signal } : {}),
    };
    const tags = await registries.client.listTags(repo, callOptions);
    const constraint = request.semverConstraint ?? (request.strategy === "digest" ? ref.tag : undefined);
    const decision = await decideUpdate({
      current: null,
      strategy: request.strategy,
      ...(constraint ? { constraint } : {}),
      ...(allowTags ? { allowTags: allowTags.value } : {}),
      ignoreTags: request.ignoreTags,
      platforms,
      tags,
      tagSortMode: endpoint.tagSortMode,
      ...(request.extract ? { extract: request.extract } : {}),
      ...(request.order ? { order: request.order } : {}),
      ...(request.naturalSort ? { naturalSort: true } : {}),
      metadata: {
        get: (tag, o) => registries.client.getMetadata(repo, tag, { ...callOptions, ...o, platforms }),
        getDigest: (tag, o) => registries.client.getDigest(repo, tag, { ...callOptions, ...o }),
      },
      ...(deps.signal ? { signal: deps.signal } : {}),
    });
    if (decision.kind === "error") {
      const error = decision.error;
      if (error && (error.code === "STRATEGY_CONSTRAINT_INVALID" || error.code === "CONFIG_INVALID")) {
        throw new TestImageUsageError(error.message);
      }
      throw error ?? new ImageUpdaterError("CONFIG_INVALID", decision.message);
    }
    return {
      decision: toDecisionJson(`${ref.registry}/${ref.repository}`, decision),
      winnerWhy: decision.winner?.why ?? null,
    };
  } finally {
    await registries.client.dispose?.();
  }
}
