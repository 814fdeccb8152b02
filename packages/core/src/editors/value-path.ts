/**
 * Sets one scalar at a Helm-style key path (`image.tag`, `containers[0].image`, literal dotted keys such as
 * `image.tag: x`), creating missing maps in the file's own indentation. Aliases are followed to the anchored
 * node (which is edited, never replaced); a value that only comes from a `<<` merge gets its own key.
 */
import { type Document, isAlias, isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from "yaml";
import type { Diagnostic } from "../config/diagnostic.js";
import { editDiagnostic } from "./diagnostic.js";
import type { EditStep, StepResult } from "./edit-runner.js";
import {
  addPair,
  appendTopLevel,
  fillEmpty,
  findPair,
  indentStyle,
  isEmptyValue,
  type NewValue,
  replaceScalar,
  resolve,
  type YamlFile,
} from "./yaml-doc.js";
import { columnOf, scalarText } from "./yaml-text.js";

/** Decides the new value from the current one (`undefined` when the key is missing); `null` leaves it. */
export type ValueFor = (current: string | undefined) => string | null;

/**
 * A step writing one image value: `valueFor` decides it (adding its diagnostics to the list it is given; it may
 * read other values of the file) and `write` puts it in the file; the decision's diagnostics come before the
 * write's.
 */
export function valueStep(
  label: string,
  group: string,
  valueFor: (diagnostics: Diagnostic[], file: YamlFile) => ValueFor,
  write: (file: YamlFile, valueFor: ValueFor) => StepResult,
): EditStep {
  return {
    image: label,
    group,
    run(file: YamlFile): StepResult {
      const diagnostics: Diagnostic[] = [];
      const result = write(file, valueFor(diagnostics, file));
      return { splices: result.splices, diagnostics: [...diagnostics, ...(result.diagnostics ?? [])] };
    },
  };
}

interface PathPart {
  readonly key: string;
  readonly index?: number;
}

function splitIndex(raw: string): PathPart | string {
  const match = /^(?<key>.*?)\[(?<index>\d+)\]$/.exec(raw);
  if (match?.groups === undefined) {
    if (/[[\]]/.test(raw)) return `\`${raw}\` is not a key or \`key[index]\``;
    return { key: raw };
  }
  return { key: match.groups.key as string, index: Number(match.groups.index) };
}

interface Found {
  readonly pair: Pair;
  readonly viaMerge: boolean;
}

function findWithMerge(doc: Document.Parsed, map: YAMLMap, key: string): Found | undefined {
  const own = findPair(map, key);
  if (own !== undefined) return { pair: own, viaMerge: false };
  const merge = findPair(map, "<<");
  if (merge === undefined) return undefined;
  const sources = isSeq(merge.value) ? merge.value.items : [merge.value];
  for (const source of sources) {
    const target = resolve(doc, source);
    if (!isMap(target)) continue;
    const inherited = findWithMerge(doc, target, key);
    if (inherited !== undefined) return { pair: inherited.pair, viaMerge: true };
  }
  return undefined;
}

function nest(parts: readonly string[], value: string): NewValue {
  let out: NewValue = value;
  for (let i = parts.length - 1; i >= 0; i--) out = { [parts[i] as string]: out };
  return out;
}

/**
 * Computes the splices that set `path` in the first document of `file` to `valueFor(current)`.
 * `key` and `image` label diagnostics.
 */
export function setValueAtPath(
  file: YamlFile,
  path: string,
  valueFor: ValueFor,
  key: string,
  image?: string,
): StepResult {
  const where = `${key}:${path}`;
  const fail = (message: string, severity: Diagnostic["severity"] = "error"): StepResult => ({
    splices: [],
    diagnostics: [editDiagnostic(severity, where, message, image)],
  });
  const raw = path.split(".");
  if (path === "" || raw.some((part) => part === "")) return fail("the key path is empty or has an empty segment");
  const doc = file.docs[0];
  const style = indentStyle(file);
  const diagnostics: Diagnostic[] = [];
  if (doc === undefined || doc.contents === null || isEmptyValue(doc.contents)) {
    const wanted = valueFor(undefined);
    if (wanted === null) return { splices: [] };
    const [first, ...rest] = raw;
    return { splices: [appendTopLevel(file, first as string, nest(rest, wanted), style)] };
  }
  let node: unknown = resolve(doc, doc.contents);
  let i = 0;
  while (i < raw.length) {
    if (!isMap(node)) return fail(`unexpected ${describe(node)} where a map holds \`${raw[i]}\``);
    const map: YAMLMap = node;
    let found: Found | undefined;
    let part: PathPart | undefined;
    let j = raw.length;
    // Prefer the longest literal dotted key (`image.tag: x`) over nested maps.
    for (; j > i; j--) {
      const parsed = splitIndex(raw.slice(i, j).join("."));
      if (typeof parsed === "string") {
        if (j === i + 1) return fail(parsed);
        continue;
      }
      found = findWithMerge(doc, map, parsed.key);
      if (found !== undefined) {
        part = parsed;
        break;
      }
    }
    if (found === undefined || part === undefined) {
      const missing = raw.slice(i).map(splitIndex);
      if (missing.some((p) => typeof p === "string" || p.index !== undefined)) {
        return fail("cannot create a list item; add the list to the file first");
      }
      const wanted = valueFor(undefined);
      if (wanted === null) return { splices: [], diagnostics };
      const [first, ...rest] = raw.slice(i);
      return { splices: [addPair(file, map, first as string, nest(rest, wanted), style)], diagnostics };
    }
    const last = j === raw.length;
    if (found.viaMerge && last && part.index === undefined) {
      // Give this map its own key instead of editing the anchor every `<<` user shares.
      const inherited = resolve(doc, found.pair.value);
      const current = isScalar(inherited) ? scalarText(inherited) : undefined;
      const wanted = valueFor(current);
      if (wanted === null || wanted === current) return { splices: [], diagnostics };
      return { splices: [addPair(file, map, part.key, wanted, style)], diagnostics };
    }
    if (found.viaMerge || isAlias(found.pair.value)) {
      diagnostics.push(
        editDiagnostic(
          "warning",
          where,
          `\`${part.key}\` comes from an anchor; the anchored value is edited for every user`,
          image,
        ),
      );
    }
    let value: unknown = resolve(doc, found.pair.value);
    if (part.index !== undefined) {
      if (!isSeq(value)) return fail(`id ${part.index} provided when "${part.key}" is not an yaml array`);
      if (part.index >= value.items.length) return fail(`id ${part.index} is out of range [0, ${value.items.length})`);
      value = resolve(doc, value.items[part.index]);
    } else if (isSeq(value)) {
      return fail(`no id provided for yaml array "${part.key}"; write \`${part.key}[0]\``);
    }
    if (last) {
      if (!isScalar(value)) return fail(`unexpected ${describe(value)} for key ${part.key}; the key must hold a value`);
      const scalar = value as Scalar;
      if (scalar.type === "BLOCK_LITERAL" || scalar.type === "BLOCK_FOLDED") {
        return fail("a block scalar (`|` or `>`) cannot be edited in place; write the value on one line");
      }
      const current = isEmptyValue(scalar) ? undefined : scalarText(scalar);
      const wanted = valueFor(current);
      if (wanted === null || wanted === current) return { splices: [], diagnostics };
      if (isEmptyValue(scalar)) {
        const keyColumn = columnOf(file.text, ((found.pair.key as Node).range as [number, number, number])[0]);
        return { splices: fillEmpty(file, scalar, wanted, keyColumn, style), diagnostics };
      }
      const splice = replaceScalar(scalar, wanted);
      return { splices: splice === null ? [] : [splice], diagnostics };
    }
    if (isEmptyValue(value)) {
      const wanted = valueFor(undefined);
      if (wanted === null) return { splices: [], diagnostics };
      const keyColumn = columnOf(file.text, ((found.pair.key as Node).range as [number, number, number])[0]);
      const rest = raw.slice(j);
      const [first, ...deeper] = rest;
      return {
        splices: fillEmpty(file, value, { [first as string]: nest(deeper, wanted) }, keyColumn, style),
        diagnostics,
      };
    }
    node = value;
    i = j;
  }
  return { splices: [], diagnostics };
}

/** The scalar at `path` (`undefined` when missing, empty or not a scalar), found as {@link setValueAtPath} finds it. */
export function readValueAtPath(file: YamlFile, path: string, key: string): string | undefined {
  let found: string | undefined;
  setValueAtPath(
    file,
    path,
    (current) => {
      found = current;
      return null;
    },
    key,
  );
  return found;
}

function describe(node: unknown): string {
  if (isMap(node)) return "map";
  if (isSeq(node)) return "list";
  if (isScalar(node)) return "ScalarNode";
  return "value";
}
