/**
 * Alibaba Cloud Container Registry: `{push_data: {tag}, repository: {repo_full_name, region}}`, secret in
 * `?secret=`. The registry host is `?registry_url=` when given (enterprise instances have their own),
 * else `registry.<region>.aliyuncs.com`.
 */
import { hostOf, ignored, jsonParser, objectAt, onePush, pushEvent, repositoryName, stringAt } from "../payload.js";
import { checkQuerySecret } from "../secret.js";
import type { WebhookParser } from "../types.js";

/** Reads Aliyun ACR push webhooks. */
export const aliyunAcrParser: WebhookParser = {
  type: "aliyun-acr",
  authenticate: checkQuerySecret,
  parse: jsonParser((body, request) => {
    const repository = objectAt(body, "repository");
    const fullName = repositoryName(repository, "repo_full_name");
    if (fullName === undefined) return ignored("the payload names no repository.repo_full_name");
    const region = stringAt(repository, "region");
    const registry =
      hostOf(request.query.registry_url) ?? (region === undefined ? undefined : `registry.${region}.aliyuncs.com`);
    if (registry === undefined) {
      return ignored("the payload names no repository.region: add ?registry_url=HOST to the webhook URL");
    }
    return onePush(pushEvent(registry, fullName, stringAt(objectAt(body, "push_data"), "tag")));
  }),
};
