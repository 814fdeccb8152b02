/** The token scope each registry wants. Endpoint resolution itself is core's (`resolveRegistryTarget`). */
import type { RegistryEndpoint } from "@image-updater/core";

/** Token scope actions for reading a repository. ACR refuses a tag listing without `metadata_read`. */
export function scopeActions(endpoint: RegistryEndpoint): string {
  let host = "";
  try {
    host = new URL(endpoint.apiUrl).hostname;
  } catch {
    return "pull";
  }
  return /\.azurecr\.(io|cn|us)$/i.test(host) ? "pull,metadata_read,content_read" : "pull";
}
