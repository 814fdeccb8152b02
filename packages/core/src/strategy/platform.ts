/**
 * Platform matching for index children and single images (argocd-image-updater reference §2.2): no wanted
 * platform accepts everything; otherwise `os/arch[/variant]` must match one wanted entry, and a wanted entry
 * without a variant accepts any variant (`linux/arm64` accepts `linux/arm64/v8`). On top of that, names are
 * compared case-insensitively and the default variants are normalised the way containerd does
 * (`arm64` = `arm64/v8`, `arm` = `arm/v7`), so `linux/arm64/v8` also accepts an arm64 image that records no variant.
 */
import type { Platform } from "../registry/types.js";

/**
 * True when `actual` is one of the `wanted` platforms. An image whose platform is unknown (`undefined`) matches,
 * because nothing says it does not. Never throws.
 */
export function matchesPlatform(wanted: readonly Platform[], actual: Platform | undefined): boolean {
  if (wanted.length === 0 || actual === undefined) return true;
  const have = normalise(actual);
  return wanted.some((entry) => {
    const want = normalise(entry);
    if (want.os !== have.os || want.architecture !== have.architecture) return false;
    return !entry.variant || want.variant === "" || want.variant === have.variant;
  });
}

/** `os/arch[/variant]`, as written in the `platforms` annotation. */
export function describePlatform(platform: Platform): string {
  return `${platform.os}/${platform.architecture}${platform.variant ? `/${platform.variant}` : ""}`;
}

interface NormalisedPlatform {
  readonly os: string;
  readonly architecture: string;
  readonly variant: string;
}

function normalise(platform: Platform): NormalisedPlatform {
  const os = String(platform.os ?? "").toLowerCase();
  const architecture = String(platform.architecture ?? "").toLowerCase();
  let variant = String(platform.variant ?? "").toLowerCase();
  if (architecture === "arm64" && (variant === "v8" || variant === "8")) variant = "";
  if (architecture === "arm" && variant === "") variant = "v7";
  if (architecture === "arm" && /^[5-8]$/.test(variant)) variant = `v${variant}`;
  return { os, architecture, variant };
}
