/**
 * The `image-list` entry syntax `[alias=]image[:constraint][@digest]`, where the tag part is a version
 * constraint (`~1.26`, `^1.0`, `>=1.0 <2.0`, `1.2.x`) or, for the digest strategy, the tag to track.
 */
import type { Diagnostic, ParseResult } from "../config/diagnostic.js";
import { digestProblem } from "./grammar.js";
import { type ImageParseOptions, type ImageReference, parseImageName, splitReference } from "./reference.js";

/** One parsed `image-list` entry. */
export interface ImageListEntry {
  /** Text before the first `=`; absent when the entry has none. May contain `/` (keys use `_` for it). */
  readonly alias?: string;
  /** The image without tag; `digest` kept when the entry pins one. `original` is the entry without alias. */
  readonly image: ImageReference;
  /** The tag part as written (trimmed), absent when empty. Not validated here: strategies interpret it. */
  readonly constraint?: string;
}

/**
 * Parses one `[alias=]image[:constraint][@digest]` entry. The constraint is whatever follows the first
 * `:` after the last `/` of the name, so `localhost:5000/app:~1.2` and `nginx:>=1.0 <2.0` both work, unlike
 * Docker's tag grammar. Never throws.
 */
export function parseImageListEntry(text: string, options: ImageParseOptions = {}): ParseResult<ImageListEntry> {
  const entry = String(text).trim();
  const equals = entry.indexOf("=");
  const alias = equals === -1 ? undefined : entry.slice(0, equals).trim();
  const rest = equals === -1 ? entry : entry.slice(equals + 1).trim();
  const key = options.key ?? "image-list";
  const fail = (message: string, image = alias): ParseResult<ImageListEntry> => ({
    diagnostics: [
      { severity: "error", key, message: `image-list entry \`${entry}\`: ${message}`, ...(image ? { image } : {}) },
    ],
  });
  if (alias !== undefined && alias === "") {
    return fail("the alias before `=` is empty; write `alias=image` or just `image`");
  }
  if (alias !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(alias)) {
    return fail(
      "an alias starts with a letter or digit and holds only letters, digits, `.`, `_`, `-` or `/` (it becomes part of annotation keys)",
    );
  }
  const parts = splitReference(rest);
  const name = parseImageName(parts.name);
  if (typeof name === "string") return fail(name);
  const diagnostics: Diagnostic[] = [];
  if (parts.digest !== undefined) {
    const problem = digestProblem(parts.digest);
    if (problem !== undefined) return fail(problem);
  }
  const constraint = parts.tag?.trim();
  if (parts.tag !== undefined && constraint === "") {
    diagnostics.push({
      severity: "warning",
      key,
      message: `image-list entry \`${entry}\`: nothing follows \`:\`; write \`${parts.name}\` for no constraint or \`${parts.name}:<constraint>\``,
      ...(alias ? { image: alias } : {}),
    });
  }
  const image: ImageReference = {
    registry: name.registry,
    repository: name.repository,
    ...(parts.digest === undefined ? {} : { digest: parts.digest }),
    writtenName: name.writtenName,
    registryExplicit: name.registryExplicit,
    original: rest,
  };
  return {
    value: { ...(alias === undefined ? {} : { alias }), image, ...(constraint ? { constraint } : {}) },
    diagnostics,
  };
}

/** Result of {@link parseImageList}: every good entry, and a diagnostic for every bad one. */
export interface ImageListResult {
  readonly entries: readonly ImageListEntry[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses a comma-separated `image-list`. Empty entries are skipped; a bad entry is reported and left out
 * without hiding the others; a repeated alias keeps the first entry. Constraints cannot contain `,`
 * (use a space for AND, as in `>=1.0 <2.0`).
 */
export function parseImageList(text: string, options: Omit<ImageParseOptions, "alias"> = {}): ImageListResult {
  const key = options.key ?? "image-list";
  const entries: ImageListEntry[] = [];
  const diagnostics: Diagnostic[] = [];
  const aliases = new Set<string>();
  for (const raw of String(text).split(",")) {
    if (raw.trim() === "") continue;
    const parsed = parseImageListEntry(raw, { key });
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) continue;
    const alias = parsed.value.alias;
    if (alias !== undefined && aliases.has(alias)) {
      diagnostics.push({
        severity: "error",
        key,
        message: `alias \`${alias}\` is used twice; give \`${raw.trim()}\` its own alias (the first entry is kept)`,
        image: alias,
      });
      continue;
    }
    if (alias !== undefined) aliases.add(alias);
    entries.push(parsed.value);
  }
  if (entries.length === 0 && diagnostics.length === 0) {
    diagnostics.push({
      severity: "error",
      key,
      message: "image-list names no image; write e.g. `myapp=ghcr.io/org/myapp:^1.0`",
    });
  }
  return { entries, diagnostics };
}
