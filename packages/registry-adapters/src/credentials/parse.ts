/** `user:pass` parsing shared by the env, ext and secret sources. */
import type { RegistryCredentials } from "@image-updater/core";

/**
 * Splits `user:pass` at the first colon, so passwords (GCR `_json_key` JSON, ECR tokens) may hold colons.
 * Returns `null` when there is no colon or no user.
 */
export function parseUserPass(text: string): RegistryCredentials | null {
  const value = text.trim();
  const colon = value.indexOf(":");
  if (colon <= 0) return null;
  return { username: value.slice(0, colon), password: value.slice(colon + 1) };
}
