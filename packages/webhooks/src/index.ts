/**
 * @image-updater/webhooks: registry webhook receivers. One parser per registry type turns a delivery
 * (method, headers, raw body, query) into `{registry, repository, tag?}` pushes or a typed refusal, after the
 * type's secret check (constant time). A push is a trigger, never the truth: hand it to `Updater.trigger`,
 * which asks the registry as usual.
 */
export {
  createWebhookHandler,
  DEFAULT_MAX_BODY_BYTES,
  type WebhookHandlerOptions,
  type WebhookOutcome,
} from "./node-handler.js";
export { acrParser } from "./parsers/acr.js";
export { aliyunAcrParser } from "./parsers/aliyun-acr.js";
export { cloudEventsParser } from "./parsers/cloudevents.js";
export { DISTRIBUTION_EVENTS_MEDIA_TYPE, distributionParser } from "./parsers/distribution.js";
export { dockerHubParser } from "./parsers/docker-hub.js";
export { ghcrParser } from "./parsers/ghcr.js";
export { harborParser } from "./parsers/harbor.js";
export { quayParser } from "./parsers/quay.js";
export { createRequestBudget, type RequestBudget } from "./rate-limit.js";
export {
  createWebhookReceiver,
  resolveWebhookType,
  WEBHOOK_PARSERS,
  type WebhookReceiver,
  type WebhookReceiverOptions,
  type WebhookSecrets,
} from "./receiver.js";
export { secretsEqual } from "./secret.js";
export {
  type RegistryPushEvent,
  WEBHOOK_TYPES,
  type WebhookParseResult,
  type WebhookParser,
  type WebhookRefusal,
  type WebhookRefusalCode,
  type WebhookRequest,
  type WebhookType,
} from "./types.js";
