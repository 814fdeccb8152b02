/**
 * Azure Container Registry: `{action: push, target: {repository, tag}, request: {host}}`, secret in the
 * `Authorization` custom header (`az acr webhook create --headers "Authorization=…"`).
 */
import { hostOf, ignored, jsonParser, objectAt, onePush, pushEvent, stringAt } from "../payload.js";
import { authorizationToken, checkSharedSecret } from "../secret.js";
import type { WebhookParser } from "../types.js";

/** Reads Azure Container Registry webhooks. */
export const acrParser: WebhookParser = {
  type: "acr",
  authenticate: (request, secret) =>
    checkSharedSecret(authorizationToken(request), secret, "the Authorization header (az acr webhook --headers)"),
  parse: jsonParser(
    (body) => {
      const action = stringAt(body, "action");
      // ACR also sends `ping` when a hook is tested, and chart_push, delete, quarantine.
      if (action !== "push") return ignored(`action ${action ?? "(none)"} is not push`);
      const target = objectAt(body, "target");
      const repository = stringAt(target, "repository");
      const registry = hostOf(stringAt(objectAt(body, "request"), "host"));
      if (repository === undefined || registry === undefined) {
        return ignored("the payload names no target.repository and request.host");
      }
      return onePush(pushEvent(registry, repository, stringAt(target, "tag"), stringAt(target, "digest")));
    },
    ["application/json"],
  ),
};
