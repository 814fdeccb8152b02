/**
 * Reading untrusted JSON payloads: parse once, walk fields without throwing, and name pushed images the
 * way core names them (Docker Hub is `docker.io`, its official images carry `library/`).
 */
import { parseImageName, parseImageReference } from "@image-updater/core";
import type { RegistryPushEvent, WebhookParseResult, WebhookRefusal, WebhookRequest } from "./types.js";

/** A JSON object, or nothing. */
export type JsonObject = Readonly<Record<string, unknown>>;

/** The refusal for a body that is not what the type sends. */
export function malformed(message: string): WebhookRefusal {
  return { code: "MALFORMED", status: 400, message };
}

/** Parses the body as one JSON object; a refusal naming the problem otherwise. */
export function jsonBody(request: WebhookRequest): JsonObject | WebhookRefusal {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(request.body));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : "the body is not UTF-8";
    return malformed(`the body is not valid JSON (${reason})`);
  }
  if (!isObject(value)) return malformed("the body must be a JSON object");
  return value;
}

/** True for a refusal returned by {@link jsonBody}. */
export function isRefusal(value: JsonObject | WebhookRefusal): value is WebhookRefusal {
  return typeof value.code === "string" && typeof value.status === "number" && typeof value.message === "string";
}

/** True for a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The object at `path`, or an empty one. */
export function objectAt(value: unknown, ...path: string[]): JsonObject {
  let current: unknown = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return isObject(current) ? current : {};
}

/** The non-empty string at `key` of `object`, or undefined. */
export function stringAt(object: JsonObject, key: string): string | undefined {
  const value = object[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/**
 * The repository named by `fullNameKey` of `repository`, else `namespace/name` (Docker Hub and Aliyun name
 * it both ways); `name` alone only when `nameAlone` (a Docker Hub official image).
 */
export function repositoryName(repository: JsonObject, fullNameKey: string, nameAlone = false): string | undefined {
  const namespace = stringAt(repository, "namespace");
  const name = stringAt(repository, "name");
  if (stringAt(repository, fullNameKey) !== undefined) return stringAt(repository, fullNameKey);
  if (namespace !== undefined && name !== undefined) return `${namespace}/${name}`;
  return nameAlone ? name : undefined;
}

/** The host of a URL or of `host[:port]/path` text; undefined when there is none. */
export function hostOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  try {
    const host = new URL(withScheme).host;
    return host === "" ? undefined : host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * A push event with core's canonical names, or a refusal when the payload's repository is not an image
 * name (so a forged payload cannot smuggle a path or a pattern into a check).
 */
export function pushEvent(
  registry: string,
  repository: string,
  tag: string | undefined,
  digest?: string,
): RegistryPushEvent | WebhookRefusal {
  const parsed = parseImageName(`${registry}/${repository}`);
  if (typeof parsed === "string")
    return malformed(`the payload names no valid image (${registry}/${repository}): ${parsed}`);
  // A hint that is not a tag is dropped, not refused: the check lists the tags anyway.
  const validTag = tag === undefined ? undefined : parseImageReference(`hint:${tag}`).value?.tag;
  return {
    registry: parsed.registry,
    repository: parsed.repository,
    ...(validTag === undefined ? {} : { tag: validTag }),
    ...(digest === undefined ? {} : { digest }),
  };
}

/** The parse result for one push, or its refusal. */
export function onePush(event: RegistryPushEvent | WebhookRefusal): WebhookParseResult {
  return "code" in event ? { ok: false, refusal: event } : { ok: true, events: [event] };
}

/** A request understood but naming no push (a pull, a test delivery). */
export function ignored(reason: string): WebhookParseResult {
  return { ok: true, events: [], ignored: reason };
}

/** The refusal as a parse result. */
export function refused(refusal: WebhookRefusal): WebhookParseResult {
  return { ok: false, refusal };
}

/**
 * A parser of JSON payloads: refuses a Content-Type that is none of `accepted` (when given) and a body that
 * is not one JSON object, then hands the object to `read`.
 */
export function jsonParser(
  read: (body: JsonObject, request: WebhookRequest) => WebhookParseResult,
  accepted?: readonly string[],
): (request: WebhookRequest) => WebhookParseResult {
  return (request) => {
    const mediaType = accepted === undefined ? undefined : checkContentType(request, accepted);
    if (mediaType !== undefined) return refused(mediaType);
    const body = jsonBody(request);
    return isRefusal(body) ? refused(body) : read(body, request);
  };
}

/** Refuses a Content-Type that is none of `accepted` (substring match, as senders add parameters). */
export function checkContentType(request: WebhookRequest, accepted: readonly string[]): WebhookRefusal | undefined {
  const type = (request.headers["content-type"] ?? "").toLowerCase();
  if (accepted.some((a) => type.includes(a))) return undefined;
  return {
    code: "UNSUPPORTED_MEDIA_TYPE",
    status: 415,
    message: `Content-Type ${type === "" ? "(none)" : type} is not accepted here: send ${accepted.join(" or ")}`,
  };
}
