/**
 * The object store behind the Kubernetes API double: one resourceVersion counter for every object (as etcd's
 * revision), optimistic concurrency on writes, an event history that watches replay from a resourceVersion,
 * and compaction that makes older resourceVersions answer 410 Gone.
 */
import { randomUUID } from "node:crypto";
import { BUILTIN_RESOURCES, type ResourceType, typesFromCrd } from "./resources.js";

/** An object as stored and served (JSON). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    generateName?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    resourceVersion?: string;
    uid?: string;
    generation?: number;
    creationTimestamp?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

/** A failure answered as a `Status` object. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

/** One change, as a watch delivers it. */
export interface StoreEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly resourceVersion: number;
  readonly resource: ResourceType;
  readonly object: KubeObject;
  /** The object before a MODIFIED, so watches with selectors can tell entering from leaving. */
  readonly previous?: KubeObject;
}

const typeKey = (type: Pick<ResourceType, "group" | "plural">) => `${type.group}/${type.plural}`;
const objectKey = (type: ResourceType, namespace: string | undefined, name: string) =>
  `${typeKey(type)}/${type.namespaced ? (namespace ?? "") : ""}/${name}`;

/** The resource a type is known by for messages: `applications.argoproj.io`, `secrets`. */
export function qualifiedResource(type: ResourceType): string {
  return type.group === "" ? type.plural : `${type.plural}.${type.group}`;
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");
const withoutVolatile = (object: KubeObject) => {
  const { metadata: _metadata, status: _status, ...rest } = object;
  return JSON.stringify(rest);
};

/** In-memory API objects with resourceVersions, history and compaction. */
export class KubeStore {
  #revision = 1000;
  readonly #objects = new Map<string, KubeObject>();
  #history: StoreEvent[] = [];
  /** Watches from a resourceVersion below this one get 410 Gone. */
  #oldestWatchable = 0;
  readonly #listeners = new Set<(event: StoreEvent) => void>();

  /** The newest resourceVersion, as lists report it. */
  get resourceVersion(): string {
    return String(this.#revision);
  }

  /** Every served type: the built-ins plus the versions of each stored CRD. */
  types(): ResourceType[] {
    const crds = BUILTIN_RESOURCES.find((t) => t.plural === "customresourcedefinitions");
    const custom = crds ? this.list(crds).flatMap(typesFromCrd) : [];
    return [...BUILTIN_RESOURCES, ...custom];
  }

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const object = this.#objects.get(objectKey(type, namespace, name));
    if (!object) throw notFound(type, name);
    return structuredClone(object);
  }

  /** Objects of `type` (in `namespace` when given), in key order like etcd. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const prefix = `${typeKey(type)}/${type.namespaced && namespace ? `${namespace}/` : ""}`;
    return [...this.#objects.entries()]
      .filter(([key]) => key.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([, object]) => structuredClone(object));
  }

  create(type: ResourceType, namespace: string | undefined, input: KubeObject): KubeObject {
    const object = withSecretData(type, structuredClone(input));
    object.metadata ??= { name: "" };
    if (!object.metadata.name && object.metadata.generateName) {
      object.metadata.name = `${object.metadata.generateName}${randomUUID().slice(0, 5)}`;
    }
    const name = object.metadata.name;
    if (!name) throw new ApiFailure(422, "Invalid", `${type.kind} "" is invalid: metadata.name: Required value`);
    if (type.namespaced) {
      if (object.metadata.namespace && object.metadata.namespace !== namespace) {
        throw new ApiFailure(
          400,
          "BadRequest",
          "the namespace of the provided object does not match the namespace sent on the request",
        );
      }
      const namespaces = this.types().find((t) => t.plural === "namespaces" && t.group === "");
      if (namespaces && !this.#objects.has(objectKey(namespaces, undefined, namespace ?? ""))) {
        throw new ApiFailure(404, "NotFound", `namespaces "${namespace}" not found`, {
          name: namespace,
          kind: "namespaces",
        });
      }
      object.metadata.namespace = namespace ?? "";
    } else delete object.metadata.namespace;
    const key = objectKey(type, namespace, name);
    if (this.#objects.has(key)) {
      throw new ApiFailure(409, "AlreadyExists", `${qualifiedResource(type)} "${name}" already exists`, {
        name,
        kind: type.plural,
      });
    }
    object.apiVersion = type.group === "" ? type.version : `${type.group}/${type.version}`;
    object.kind = type.kind;
    object.metadata.uid = randomUUID();
    object.metadata.creationTimestamp = now();
    object.metadata.generation = 1;
    delete object.metadata.generateName;
    return this.#commit(type, key, object, "ADDED");
  }

  /**
   * Replaces an object. A `metadata.resourceVersion` that is not the current one is a 409 Conflict. With a
   * status subresource, the main resource keeps its status and `status: true` changes only the status.
   */
  update(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    input: KubeObject,
    status = false,
  ): KubeObject {
    const key = objectKey(type, namespace, name);
    const current = this.#objects.get(key);
    if (!current) throw notFound(type, name);
    if (input.metadata?.name !== undefined && input.metadata.name !== name) {
      throw new ApiFailure(
        400,
        "BadRequest",
        `the name of the object (${input.metadata.name}) does not match the name on the URL (${name})`,
      );
    }
    const wanted = input.metadata?.resourceVersion;
    if (wanted !== undefined && wanted !== "" && wanted !== current.metadata.resourceVersion) {
      throw new ApiFailure(
        409,
        "Conflict",
        `Operation cannot be fulfilled on ${qualifiedResource(type)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        { name, kind: type.plural },
      );
    }
    let next: KubeObject;
    if (status) next = { ...structuredClone(current), status: structuredClone(input.status) };
    else {
      next = withSecretData(type, structuredClone(input));
      next.metadata = {
        ...next.metadata,
        name,
        uid: current.metadata.uid,
        creationTimestamp: current.metadata.creationTimestamp,
        generation: current.metadata.generation,
      };
      if (type.namespaced) next.metadata.namespace = current.metadata.namespace;
      else delete next.metadata.namespace;
      if (type.statusSubresource) {
        if (current.status === undefined) delete next.status;
        else next.status = structuredClone(current.status);
      }
      next.apiVersion = current.apiVersion;
      next.kind = current.kind;
      if (withoutVolatile(next) !== withoutVolatile(current))
        next.metadata.generation = (current.metadata.generation ?? 1) + 1;
    }
    if (
      JSON.stringify({ ...next, metadata: { ...next.metadata, resourceVersion: undefined } }) ===
      JSON.stringify({ ...current, metadata: { ...current.metadata, resourceVersion: undefined } })
    ) {
      // A write that changes nothing keeps the resourceVersion and sends no watch event, as etcd does.
      return structuredClone(current);
    }
    return this.#commit(type, key, next, "MODIFIED", current);
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const key = objectKey(type, namespace, name);
    const current = this.#objects.get(key);
    if (!current) throw notFound(type, name);
    this.#objects.delete(key);
    const gone = structuredClone(current);
    this.#revision++;
    gone.metadata.resourceVersion = String(this.#revision);
    this.#emit({ type: "DELETED", resourceVersion: this.#revision, resource: type, object: gone });
    return structuredClone(gone);
  }

  /** Events of `type` after `resourceVersion`, or `"expired"` when compaction removed some of them. */
  since(type: ResourceType, resourceVersion: number): StoreEvent[] | "expired" {
    if (resourceVersion < this.#oldestWatchable) return "expired";
    return this.#history.filter((e) => e.resourceVersion > resourceVersion && typeKey(e.resource) === typeKey(type));
  }

  /** Forgets the history, as etcd compaction does: watches from any resourceVersion seen so far get 410. */
  compact(): void {
    this.#history = [];
    this.#oldestWatchable = this.#revision + 1;
  }

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #commit(type: ResourceType, key: string, object: KubeObject, kind: "ADDED" | "MODIFIED", previous?: KubeObject) {
    this.#revision++;
    object.metadata.resourceVersion = String(this.#revision);
    this.#objects.set(key, object);
    this.#emit({
      type: kind,
      resourceVersion: this.#revision,
      resource: type,
      object: structuredClone(object),
      ...(previous ? { previous: structuredClone(previous) } : {}),
    });
    return structuredClone(object);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    for (const listener of this.#listeners) listener(event);
  }
}

function notFound(type: ResourceType, name: string): ApiFailure {
  return new ApiFailure(404, "NotFound", `${qualifiedResource(type)} "${name}" not found`, {
    name,
    group: type.group,
    kind: type.plural,
  });
}

/** A Secret's `stringData` is write-only: the API server merges it into `data` (base64) and drops it. */
function withSecretData(type: ResourceType, object: KubeObject): KubeObject {
  if (type.group !== "" || type.plural !== "secrets" || typeof object.stringData !== "object" || !object.stringData) {
    return object;
  }
  const data = { ...((object.data as Record<string, string> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(object.stringData as Record<string, string>)) {
    data[key] = Buffer.from(String(value)).toString("base64");
  }
  const { stringData: _stringData, ...rest } = object;
  return { ...rest, data } as KubeObject;
}
