/**
 * Glob patterns with the semantics of Go's `path/filepath.Match` on Unix, which argocd-image-updater applies to
 * `ignore-tags`: `*` (any run of characters but `/`), `?` (one character but `/`), `[abc]`, `[a-z]`, `[^a-z]`,
 * and `\` to escape. A malformed pattern matches nothing, as in argocd-image-updater (Match returns an error
 * and the tag is not ignored). minimatch is not used: its `!`, brace and extglob syntax would change meanings.
 */

/** A compiled glob, or why the pattern is malformed. */
export interface GlobCompileResult {
  /** Tests a whole name against the pattern. Absent when the pattern is malformed. */
  readonly matches?: (name: string) => boolean;
  /** What is malformed; set exactly when `matches` is absent. */
  readonly error?: string;
}

/** Compiles a Go `filepath.Match` pattern. Never throws. */
export function compileGlob(pattern: string): GlobCompileResult {
  if (typeof pattern !== "string") return { error: "the pattern must be a string" };
  let source = "";
  const chars = Array.from(pattern);
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] as string;
    if (char === "*") {
      source += "[^/]*";
      i++;
    } else if (char === "?") {
      source += "[^/]";
      i++;
    } else if (char === "\\") {
      const escaped = chars[i + 1];
      if (escaped === undefined) return { error: `\`${pattern}\` ends with an unfinished escape \`\\\`` };
      source += literal(escaped);
      i += 2;
    } else if (char === "[") {
      const parsed = parseClass(chars, i + 1);
      if (typeof parsed === "string") return { error: `\`${pattern}\` has a malformed \`[...]\`: ${parsed}` };
      source += parsed.source;
      i = parsed.next;
    } else {
      source += literal(char);
      i++;
    }
  }
  const regexp = new RegExp(`^${source}$`, "su");
  return { matches: (name: string) => typeof name === "string" && regexp.test(name) };
}

/** True when `name` matches the Go glob `pattern`; false for a malformed pattern. Never throws. */
export function matchesGlob(pattern: string, name: string): boolean {
  return compileGlob(pattern).matches?.(name) ?? false;
}

interface ParsedClass {
  readonly source: string;
  readonly next: number;
}

function parseClass(chars: readonly string[], start: number): ParsedClass | string {
  let i = start;
  let negated = false;
  if (chars[i] === "^") {
    negated = true;
    i++;
  }
  let body = "";
  let ranges = 0;
  for (;;) {
    const char = chars[i];
    if (char === "]" && ranges > 0) return { source: `[${negated ? "^" : ""}${body}]`, next: i + 1 };
    const low = classChar(chars, i);
    if (typeof low === "string") return low;
    i = low.next;
    let high = low;
    if (chars[i] === "-") {
      const parsed = classChar(chars, i + 1);
      if (typeof parsed === "string") return parsed;
      high = parsed;
      i = parsed.next;
    }
    ranges++;
    // Go accepts a reversed range (`[z-a]`) and it matches nothing; a JavaScript class would reject it.
    if ((high.char.codePointAt(0) ?? 0) < (low.char.codePointAt(0) ?? 0)) continue;
    body += high === low ? literal(low.char) : `${literal(low.char)}-${literal(high.char)}`;
  }
}

function classChar(chars: readonly string[], at: number): { char: string; next: number } | string {
  const char = chars[at];
  if (char === undefined) return "it is not closed with `]`";
  if (char === "-" || char === "]") return `\`${char}\` must be escaped with \`\\\` inside \`[...]\``;
  if (char === "\\") {
    const escaped = chars[at + 1];
    if (escaped === undefined) return "it ends with an unfinished escape `\\`";
    return { char: escaped, next: at + 2 };
  }
  return { char, next: at + 1 };
}

/** A code point as a regular-expression literal, valid in `u` mode inside and outside classes. */
function literal(char: string): string {
  return `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`;
}
