/**
 * The three patch types a Kubernetes API server takes: JSON merge patch (RFC 7386), JSON patch (RFC 6902) and
 * strategic merge patch (built-in kinds only; lists of objects with a `name` merge by it, as Kubernetes'
 * `patchMergeKey` does for containers, env, ports and volumes). A failed patch throws {@link PatchError}.
 */

/** A patch the server rejects; `status` is the HTTP code the API answers with. */
export class PatchError extends Error {
  constructor(
    readonly status: 422 | 400,
    message: string,
  ) {
    super(message);
  }
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const clone = <T>(value: T): T => structuredClone(value);

/** RFC 7386: objects merge key by key, `null` deletes, anything else (lists included) replaces. */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = applyMergePatch(result[key], value);
  }
  return result;
}

/** Strategic merge: like a merge patch, except lists of named objects merge entry by entry, and `$patch: delete`. */
export function applyStrategicMergePatch(target: unknown, patch: unknown): unknown {
  if (Array.isArray(patch) && Array.isArray(target) && patch.every((e) => isObject(e) && typeof e.name === "string")) {
    const result = target.map((entry) => clone(entry) as unknown);
    for (const entry of patch as Record<string, Json>[]) {
      const at = result.findIndex((existing) => isObject(existing) && existing.name === entry.name);
      if (entry.$patch === "delete") {
        if (at >= 0) result.splice(at, 1);
      } else if (at >= 0) result[at] = applyStrategicMergePatch(result[at], entry);
      else result.push(clone(entry));
    }
    return result;
  }
  if (!isObject(patch)) return clone(patch);
  const result: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith("$")) continue;
    if (value === null) delete result[key];
    else result[key] = applyStrategicMergePatch(result[key], value);
  }
  return result;
}

function unescapeToken(token: string): string {
  return token.replace(/~1/g, "/").replace(/~0/g, "~");
}

function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== "string" || (pointer !== "" && !pointer.startsWith("/"))) {
    throw new PatchError(400, `json patch: "${String(pointer)}" is not a JSON pointer`);
  }
  return pointer === "" ? [] : pointer.slice(1).split("/").map(unescapeToken);
}

function parentOf(root: unknown, tokens: readonly string[], pointer: string): { parent: unknown; key: string } {
  let node = root;
  for (const token of tokens.slice(0, -1)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(422, `json patch: path ${pointer} does not exist`);
  }
  return { parent: node, key: tokens[tokens.length - 1] ?? "" };
}

function read(root: unknown, pointer: string): unknown {
  let node = root;
  for (const token of parsePointer(pointer)) {
    node = Array.isArray(node) ? node[Number(token)] : isObject(node) ? node[token] : undefined;
    if (node === undefined) throw new PatchError(422, `json patch: path ${pointer} does not exist`);
  }
  return node;
}

function remove(root: unknown, pointer: string): unknown {
  const { parent, key } = parentOf(root, parsePointer(pointer), pointer);
  if (Array.isArray(parent)) {
    const index = Number(key);
    if (!Number.isInteger(index) || index < 0 || index >= parent.length) {
      throw new PatchError(422, `json patch: index ${key} out of range at ${pointer}`);
    }
    return parent.splice(index, 1)[0];
  }
  if (!isObject(parent) || !(key in parent)) throw new PatchError(422, `json patch: path ${pointer} does not exist`);
  const value = parent[key];
  delete parent[key];
  return value;
}

function add(root: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return clone(value);
  const { parent, key } = parentOf(root, tokens, pointer);
  if (Array.isArray(parent)) {
    const index = key === "-" ? parent.length : Number(key);
    if (!Number.isInteger(index) || index < 0 || index > parent.length) {
      throw new PatchError(422, `json patch: index ${key} out of range at ${pointer}`);
    }
    parent.splice(index, 0, clone(value));
  } else if (isObject(parent)) parent[key] = clone(value) as Json;
  else throw new PatchError(422, `json patch: the parent of ${pointer} is not an object or a list`);
  return root;
}

/** RFC 6902 on a copy of `target`: add, remove, replace, move, copy, test. A failed `test` is a 422. */
export function applyJsonPatch(target: unknown, operations: unknown): unknown {
  if (!Array.isArray(operations)) throw new PatchError(400, "json patch: the body must be a list of operations");
  let doc = clone(target);
  for (const op of operations as Record<string, unknown>[]) {
    const path = String(op.path);
    switch (op.op) {
      case "add":
        doc = add(doc, path, op.value);
        break;
      case "remove":
        remove(doc, path);
        break;
      case "replace":
        read(doc, path);
        if (path === "") doc = clone(op.value);
        else {
          remove(doc, path);
          doc = add(doc, path, op.value);
        }
        break;
      case "move":
      case "copy": {
        const value = op.op === "move" ? remove(doc, String(op.from)) : clone(read(doc, String(op.from)));
        doc = add(doc, path, value);
        break;
      }
      case "test":
        if (JSON.stringify(read(doc, path)) !== JSON.stringify(op.value)) {
          throw new PatchError(422, `json patch: test failed at ${path}`);
        }
        break;
      default:
        throw new PatchError(400, `json patch: unknown operation "${String(op.op)}"`);
    }
  }
  return doc;
}
