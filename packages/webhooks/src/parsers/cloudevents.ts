/**
 * CloudEvents 1.0 in structured mode, as AWS EventBridge API destinations, Harbor and others send them.
 * ECR pushes come as `com.amazon.ecr.*` CloudEvents (an EventBridge input transformer), or as EventBridge's
 * own `ECR Image Action` event when no transformer is set; both are read. Secret in `?secret=` or
 * `X-Webhook-Secret` (EventBridge connections can add either).
 */
import {
  hostOf,
  ignored,
  type JsonObject,
  jsonParser,
  objectAt,
  onePush,
  pushEvent,
  refused,
  stringAt,
} from "../payload.js";
import { checkSharedSecret } from "../secret.js";
import type { WebhookParseResult, WebhookParser } from "../types.js";

function ecrRegistry(account: string | undefined, region: string | undefined): string | undefined {
  return account === undefined || region === undefined ? undefined : `${account}.dkr.ecr.${region}.amazonaws.com`;
}

/** `urn:aws:ecr:<region>:<account>:repository/<name>` or the same as an ARN. */
function ecrSource(source: string | undefined): { region?: string; account?: string } {
  const parts = source?.split(":") ?? [];
  if (parts.length < 5 || !/^(urn|arn)$/.test(parts[0] ?? "") || parts[2] !== "ecr") return {};
  return { ...(parts[3] ? { region: parts[3] } : {}), ...(parts[4] ? { account: parts[4] } : {}) };
}

/** EventBridge's native ECR event: `{source: aws.ecr, detail-type: ECR Image Action, detail: {…}}`. */
function parseEventBridgeEcr(body: JsonObject): WebhookParseResult {
  const detail = objectAt(body, "detail");
  const action = stringAt(detail, "action-type");
  if (action !== "PUSH" || stringAt(detail, "result") !== "SUCCESS") {
    return ignored(`ECR action ${action ?? "(none)"} is not a successful PUSH`);
  }
  const repository = stringAt(detail, "repository-name");
  const registry = ecrRegistry(stringAt(body, "account"), stringAt(body, "region"));
  if (repository === undefined || registry === undefined) {
    return ignored("the ECR event names no detail.repository-name, account and region");
  }
  return onePush(pushEvent(registry, repository, stringAt(detail, "image-tag"), stringAt(detail, "image-digest")));
}

function parseCloudEvent(body: JsonObject): WebhookParseResult {
  const type = stringAt(body, "type");
  if (stringAt(body, "specversion") === undefined || type === undefined) {
    return refused({
      code: "MALFORMED",
      status: 400,
      message: "not a CloudEvent: specversion and type are required (structured mode, application/cloudevents+json)",
    });
  }
  const data = objectAt(body, "data");
  const source = stringAt(body, "source");
  // `subject: repo:tag` is the fallback every producer may use; data fields win over it.
  const subject = stringAt(body, "subject");
  const colon = subject?.lastIndexOf(":") ?? -1;
  const fromSubject =
    subject === undefined || colon <= 0 ? {} : { repository: subject.slice(0, colon), tag: subject.slice(colon + 1) };
  let registry: string | undefined;
  if (type.startsWith("com.amazon.ecr.")) {
    const urn = ecrSource(source);
    registry = ecrRegistry(stringAt(data, "registryId") ?? urn.account, urn.region ?? stringAt(data, "region"));
  } else if (/container|image|artifact/i.test(type)) {
    registry =
      hostOf(stringAt(data, "registryUrl") ?? stringAt(data, "registry")) ??
      (source !== undefined && /^https?:\/\//i.test(source) ? hostOf(source) : hostOf(source?.split("/")[0]));
  } else {
    return ignored(`CloudEvent type ${type} is not an image push`);
  }
  if (/delete|pull|scan/i.test(type)) return ignored(`CloudEvent type ${type} is not a push`);
  const repository = stringAt(data, "repositoryName") ?? stringAt(data, "repository") ?? fromSubject.repository;
  const tag = stringAt(data, "imageTag") ?? stringAt(data, "tag") ?? fromSubject.tag;
  if (repository === undefined || registry === undefined) {
    return ignored(`CloudEvent ${type} names no repository and registry (data.repositoryName, source)`);
  }
  const digest = stringAt(data, "imageDigest") ?? stringAt(data, "digest");
  return onePush(pushEvent(registry, repository, tag, digest));
}

/** Reads CloudEvents (ECR through EventBridge among them). */
export const cloudEventsParser: WebhookParser = {
  type: "cloudevents",
  authenticate: (request, secret) =>
    checkSharedSecret(
      request.query.secret ?? request.headers["x-webhook-secret"],
      secret,
      "the ?secret= query parameter or the X-Webhook-Secret header",
    ),
  parse: jsonParser(
    (body) => {
      if (stringAt(body, "source") === "aws.ecr" && stringAt(body, "detail-type") === "ECR Image Action") {
        return parseEventBridgeEcr(body);
      }
      return parseCloudEvent(body);
    },
    ["application/json", "application/cloudevents+json"],
  ),
};
