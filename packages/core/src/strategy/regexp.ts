/**
 * Tag patterns are written in Go's RE2 syntax (argocd-image-updater `allow-tags: regexp:…`, Flux
 * `filterTags.pattern`). This translates the RE2 spellings JavaScript lacks (`(?P<name>…)`, a leading `(?i)`,
 * `\A`, `\z`, `\Q…\E`, `[[:alpha:]]`, `\pL`) and compiles the rest as is. Matching is unanchored, as RE2's
 * `MatchString`. Look-around and back-references, which RE2 rejects, compile here; `parseAllowTags` refuses
 * them so that annotations stay portable to argocd-image-updater.
 */

/** A compiled pattern, or why it is not valid. */
export interface PatternCompileResult {
  readonly regexp?: RegExp;
  /** What is wrong; set exactly when `regexp` is absent. */
  readonly error?: string;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\x00-\\x7F",
  blank: "\\t ",
  cntrl: "\\x00-\\x1F\\x7F",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`{-~",
  space: "\\t\\n\\v\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};
const MAX_LENGTH = 4096;

/** Compiles an RE2 pattern to a JavaScript `RegExp`. Never throws. */
export function compilePattern(pattern: string): PatternCompileResult {
  if (typeof pattern !== "string") return { error: "the pattern must be a string" };
  if (pattern.length > MAX_LENGTH) return { error: `the pattern is longer than ${MAX_LENGTH} characters` };
  const translated = translate(pattern);
  if (typeof translated === "string") return { error: translated };
  try {
    return { regexp: new RegExp(translated.source, translated.flags) };
  } catch (error) {
    return { error: error instanceof Error ? error.message : "the pattern is not a valid regular expression" };
  }
}

interface Translation {
  readonly source: string;
  readonly flags: string;
}

function translate(pattern: string): Translation | string {
  let flags = "";
  let rest = pattern;
  const leading = /^\(\?([a-zA-Z]+)\)/.exec(rest);
  if (leading) {
    for (const flag of leading[1] as string) {
      if (flag === "i" || flag === "m" || flag === "s") flags += flags.includes(flag) ? "" : flag;
      else return `the flag \`${flag}\` in \`${leading[0]}\` is not supported; use \`(?i)\`, \`(?m)\` or \`(?s)\``;
    }
    rest = rest.slice(leading[0].length);
  }
  let source = "";
  let inClass = false;
  let unicode = false;
  for (let i = 0; i < rest.length; i++) {
    const char = rest[i] as string;
    const next = rest[i + 1];
    if (char === "\\") {
      if (next === undefined) return "the pattern ends with `\\`";
      if (next === "Q") {
        const end = rest.indexOf("\\E", i + 2);
        const quoted = rest.slice(i + 2, end === -1 ? rest.length : end);
        source += quoted.replace(/[\\^$.*+?()[\]{}|/-]/g, "\\$&");
        i = end === -1 ? rest.length : end + 1;
        continue;
      }
      if (!inClass && next === "A") source += "(?<![\\s\\S])";
      else if (!inClass && next === "z") source += "(?![\\s\\S])";
      else if ((next === "p" || next === "P") && rest[i + 2] !== "{" && rest[i + 2] !== undefined) {
        source += `\\${next}{${rest[i + 2]}}`;
        unicode = true;
        i++;
      } else {
        if (next === "p" || next === "P") unicode = true;
        source += char + next;
      }
      i++;
      continue;
    }
    if (inClass) {
      if (char === "[" && next === ":") {
        const end = rest.indexOf(":]", i + 2);
        const name = end === -1 ? undefined : rest.slice(i + 2, end);
        const expansion = name === undefined ? undefined : POSIX_CLASSES[name];
        if (expansion === undefined)
          return `\`${rest.slice(i, end === -1 ? i + 2 : end + 2)}\` is not a supported class`;
        source += expansion;
        i = end + 1;
        continue;
      }
      if (char === "]") inClass = false;
      source += char === "[" ? "\\[" : char;
      continue;
    }
    if (char === "[") {
      inClass = true;
      source += char;
      // A `]` right after `[` or `[^` is a literal in RE2.
      if (next === "^") {
        source += "^";
        i++;
      }
      if (rest[i + 1] === "]") {
        source += "\\]";
        i++;
      }
      continue;
    }
    if (char === "(" && rest.startsWith("(?P<", i)) {
      source += "(?<";
      i += 3;
      continue;
    }
    source += char;
  }
  return { source, flags: unicode ? `${flags}u` : flags };
}
