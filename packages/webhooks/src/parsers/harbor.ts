/**
 * Harbor: `{type: PUSH_ARTIFACT, event_data: {resources: [{tag, resource_url}], repository: {repo_full_name}}}`,
 * secret in the `Authorization` header (Harbor's "Auth Header" field, sent as typed).
 */
import { hostOf, ignored, isObject, jsonParser, objectAt, pushEvent, refused, stringAt } from "../payload.js";
import { authorizationToken, checkSharedSecret } from "../secret.js";
import type { RegistryPushEvent, WebhookParser } from "../types.js";

/** Reads Harbor's default-format webhooks. */
export const harborParser: WebhookParser = {
  type: "harbor",
  authenticate: (request, secret) =>
    checkSharedSecret(authorizationToken(request), secret, "the Authorization header (Harbor's Auth Header)"),
  parse: jsonParser((body) => {
    const type = stringAt(body, "type");
    if (type !== "PUSH_ARTIFACT") return ignored(`event type ${type ?? "(none)"} is not PUSH_ARTIFACT`);
    const data = objectAt(body, "event_data");
    const repository = stringAt(objectAt(data, "repository"), "repo_full_name");
    if (repository === undefined) return ignored("the payload names no event_data.repository.repo_full_name");
    const resources = Array.isArray(data.resources) ? data.resources.filter(isObject) : [];
    const events: RegistryPushEvent[] = [];
    // One push can carry several tags of one artifact: each is a hint for the same repository.
    for (const resource of resources.length > 0 ? resources : [{}]) {
      const registry = hostOf(stringAt(resource, "resource_url")?.split("/")[0]);
      if (registry === undefined)
        return ignored("the payload names no registry host (event_data.resources[].resource_url)");
      const event = pushEvent(registry, repository, stringAt(resource, "tag"), stringAt(resource, "digest"));
      if ("code" in event) return refused(event);
      events.push(event);
    }
    return { ok: true, events };
  }),
};
