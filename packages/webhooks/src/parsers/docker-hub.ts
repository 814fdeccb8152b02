/**
 * Docker Hub: `{push_data: {tag}, repository: {repo_name | namespace + name}}`, secret in `?secret=`
 * (Docker Hub cannot send headers, so the secret travels in the URL).
 */
import { DOCKER_HUB_REGISTRY } from "@image-updater/core";
import { ignored, jsonParser, objectAt, onePush, pushEvent, repositoryName, stringAt } from "../payload.js";
import { checkQuerySecret } from "../secret.js";
import type { WebhookParser } from "../types.js";

/** Reads Docker Hub repository webhooks. */
export const dockerHubParser: WebhookParser = {
  type: "docker.io",
  authenticate: checkQuerySecret,
  parse: jsonParser((body) => {
    const repository = objectAt(body, "repository");
    const repoName = repositoryName(repository, "repo_name", true);
    if (repoName === undefined) return ignored("the payload names no repository (repository.repo_name)");
    return onePush(pushEvent(DOCKER_HUB_REGISTRY, repoName, stringAt(objectAt(body, "push_data"), "tag")));
  }),
};
