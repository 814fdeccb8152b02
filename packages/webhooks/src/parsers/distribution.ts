/**
 * The Distribution notification envelope (`application/vnd.docker.distribution.events.v1+json`), sent by
 * CNCF Distribution's `notifications.endpoints`, GitLab's container registry, Zot and Harbor's core:
 * `{events: [{action, target: {repository, tag, digest, mediaType}, request: {host}}]}`. Only manifest pushes
 * with a tag count; pulls, mounts, deletes and blob uploads are ignored. Secret in `Authorization`, with or
 * without `Bearer ` (the endpoint's `headers`). `?registry_url=HOST` names the registry when the host the
 * pusher used is not the one applications name.
 */
import { hostOf, ignored, isObject, jsonParser, objectAt, pushEvent, refused, stringAt } from "../payload.js";
import { authorizationToken, checkSharedSecret } from "../secret.js";
import type { RegistryPushEvent, WebhookParser } from "../types.js";

/** The envelope's media type. */
export const DISTRIBUTION_EVENTS_MEDIA_TYPE = "application/vnd.docker.distribution.events.v1+json";

/** Reads Distribution notification envelopes. */
export const distributionParser: WebhookParser = {
  type: "distribution",
  authenticate: (request, secret) =>
    checkSharedSecret(
      authorizationToken(request),
      secret,
      "the Authorization header (notifications.endpoints[].headers.Authorization)",
    ),
  parse: jsonParser(
    (body, request) => {
      if (!Array.isArray(body.events))
        return refused({ code: "MALFORMED", status: 400, message: "the envelope has no events list" });
      const override = hostOf(request.query.registry_url);
      const events: RegistryPushEvent[] = [];
      for (const entry of body.events.filter(isObject)) {
        const target = objectAt(entry, "target");
        const tag = stringAt(target, "tag");
        // A blob upload is a push too, without a tag; a manifest pushed by digest changes no tag list.
        if (stringAt(entry, "action") !== "push" || tag === undefined) continue;
        const repository = stringAt(target, "repository");
        const registry = override ?? hostOf(stringAt(objectAt(entry, "request"), "host"));
        if (repository === undefined || registry === undefined) continue;
        const event = pushEvent(registry, repository, tag, stringAt(target, "digest"));
        if ("code" in event) return refused(event);
        events.push(event);
      }
      if (events.length === 0) return ignored("the envelope holds no tagged manifest push (pulls, mounts, blobs)");
      return { ok: true, events };
    },
    [DISTRIBUTION_EVENTS_MEDIA_TYPE, "application/json"],
  ),
};
