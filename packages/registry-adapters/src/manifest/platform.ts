/** Platform matching, as argocd-image-updater does it (`os/arch[/variant]`, variant-less requests match any variant). */
import type { Platform } from "@image-updater/core";

/**
 * True when `candidate` satisfies one of `wanted` (any platform when `wanted` is empty). A wanted platform
 * without a variant matches every variant, so `linux/arm64` accepts `linux/arm64/v8`.
 */
export function matchesPlatform(candidate: Platform | undefined, wanted: readonly Platform[] | undefined): boolean {
  if (wanted === undefined || wanted.length === 0) return true;
  if (candidate === undefined) return false;
  return wanted.some(
    (want) =>
      want.os === candidate.os &&
      want.architecture === candidate.architecture &&
      (want.variant === undefined || want.variant === candidate.variant),
  );
}

/** `os/arch[/variant]`, for messages and cache keys. */
export function formatPlatform(platform: Platform): string {
  return [platform.os, platform.architecture, platform.variant].filter((part) => part !== undefined).join("/");
}
