/**
 * Quay: the repository push notification `{repository, docker_url, updated_tags}`, secret in `?secret=`.
 * `updated_tags` is a list in Quay's current documentation and a tag → image map in older deliveries.
 */
import { DOCKER_HUB_REGISTRY } from "@image-updater/core";
import { hostOf, ignored, isObject, jsonParser, pushEvent, refused, stringAt } from "../payload.js";
import { checkQuerySecret } from "../secret.js";
import type { RegistryPushEvent, WebhookParser } from "../types.js";

function updatedTags(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((tag): tag is string => typeof tag === "string" && tag !== "");
  if (isObject(value)) return Object.keys(value);
  return [];
}

/** Reads Quay (quay.io or self-hosted) repository push notifications. */
export const quayParser: WebhookParser = {
  type: "quay.io",
  authenticate: checkQuerySecret,
  parse: jsonParser((body) => {
    const repository = stringAt(body, "repository");
    if (repository === undefined) return ignored("the payload names no repository");
    // A self-hosted Quay names itself in docker_url; quay.io otherwise.
    const host = hostOf(stringAt(body, "docker_url")?.split("/")[0]);
    const registry = host === undefined || host === DOCKER_HUB_REGISTRY ? "quay.io" : host;
    const tags = updatedTags(body.updated_tags);
    const events: RegistryPushEvent[] = [];
    for (const tag of tags.length > 0 ? tags : [undefined]) {
      const event = pushEvent(registry, repository, tag);
      if ("code" in event) return refused(event);
      events.push(event);
    }
    return { ok: true, events };
  }),
};
