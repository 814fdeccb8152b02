/**
 * GitHub Container Registry: the `package` event with `action: published` for a container package,
 * signed with HMAC-SHA256 of the raw body in `X-Hub-Signature-256`.
 */
import { ignored, jsonParser, objectAt, onePush, pushEvent, stringAt } from "../payload.js";
import { checkHubSignature } from "../secret.js";
import type { WebhookParser } from "../types.js";

const readPackageEvent = jsonParser((body) => {
  const action = stringAt(body, "action");
  if (action !== "published") return ignored(`package action ${action ?? "(none)"} is not "published"`);
  const pkg = objectAt(body, "package");
  const type = (stringAt(pkg, "package_type") ?? stringAt(pkg, "ecosystem") ?? "").toLowerCase();
  if (type !== "container") return ignored(`package type ${type || "(none)"} is not a container`);
  const name = stringAt(pkg, "name");
  const owner = stringAt(objectAt(pkg, "owner"), "login");
  if (name === undefined || owner === undefined) return ignored("the payload names no package.name and owner");
  const version = objectAt(pkg, "package_version");
  const tag = stringAt(objectAt(version, "container_metadata", "tag"), "name");
  // GitHub keeps the owner's casing; image names are lowercase.
  return onePush(pushEvent("ghcr.io", `${owner}/${name}`.toLowerCase(), tag));
});

/** Reads GitHub `package` events for GHCR. */
export const ghcrParser: WebhookParser = {
  type: "ghcr.io",
  authenticate: checkHubSignature,
  parse(request) {
    const event = request.headers["x-github-event"];
    // GitHub sends `ping` when a hook is created; it is not a push.
    if (event !== "package") return ignored(`X-GitHub-Event ${event ?? "(none)"} is not a package event`);
    return readPackageEvent(request);
  },
};
