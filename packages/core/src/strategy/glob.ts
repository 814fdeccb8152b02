/**
 * Glob patterns with the semantics of Go's `path/filepath.Match` on Unix, which argocd-image-updater applies to
 * `ignore-tags`: `*` (any run of characters but `/`), `?` (one character but `/`), `[abc]`, `[a-z]`, `[^a-z]`,
 * and `\` to escape. A malformed pattern matches nothing, as in argocd-image-updater (Match returns an error
 * and the tag is not ignored).
 * Our own matcher, not minimatch: minimatch reads `[!a]` as a negation and an unclosed `[` as a literal (Go: a
 * literal `!`, and an error), and its backtracking RegExps carry no linear bound; this one runs the pattern as an
 * automaton, so a match costs at most (name length × pattern length) steps.
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
  const steps: Step[] = [];
  const chars = Array.from(pattern);
  let i = 0;
  while (i < chars.length) {
    const char = chars[i] as string;
    if (char === "*") {
      // A run of stars means one star.
      if (steps.at(-1) !== STAR) steps.push(STAR);
      i++;
    } else if (char === "?") {
      steps.push((c) => c !== "/");
      i++;
    } else if (char === "\\") {
      const escaped = chars[i + 1];
      if (escaped === undefined) return { error: `\`${pattern}\` ends with an unfinished escape \`\\\`` };
      steps.push((c) => c === escaped);
      i += 2;
    } else if (char === "[") {
      const parsed = parseClass(chars, i + 1);
      if (typeof parsed === "string") return { error: `\`${pattern}\` has a malformed \`[...]\`: ${parsed}` };
      steps.push(parsed.test);
      i = parsed.next;
    } else {
      steps.push((c) => c === char);
      i++;
    }
  }
  return { matches: (name: string) => typeof name === "string" && run(steps, name) };
}

/** One pattern element: a test of one character, or the star (any run of characters but `/`). */
type Step = ((char: string) => boolean) | typeof STAR;
const STAR = Symbol("star");

/** Runs the pattern as a non-deterministic automaton over `name`: state `k` means "the first k steps matched". */
function run(steps: readonly Step[], name: string): boolean {
  const start = new Uint8Array(steps.length + 1);
  start[0] = 1;
  let states = closure(steps, start);
  for (const char of name) {
    const next = new Uint8Array(steps.length + 1);
    let alive = false;
    for (let k = 0; k < steps.length; k++) {
      if (states[k] !== 1) continue;
      const step = steps[k] as Step;
      if (step === STAR) {
        if (char !== "/") next[k] = 1;
      } else if (step(char)) next[k + 1] = 1;
      alive ||= next[k] === 1 || next[k + 1] === 1;
    }
    if (!alive) return false;
    states = closure(steps, next);
  }
  return states[steps.length] === 1;
}

/** Adds the states reachable without reading: past a star that matches nothing. */
function closure(steps: readonly Step[], states: Uint8Array): Uint8Array {
  for (let k = 0; k < steps.length; k++) if (states[k] === 1 && steps[k] === STAR) states[k + 1] = 1;
  return states;
}

/** True when `name` matches the Go glob `pattern`; false for a malformed pattern. Never throws. */
export function matchesGlob(pattern: string, name: string): boolean {
  return compileGlob(pattern).matches?.(name) ?? false;
}

interface ParsedClass {
  readonly test: (char: string) => boolean;
  readonly next: number;
}

function parseClass(chars: readonly string[], start: number): ParsedClass | string {
  let i = start;
  let negated = false;
  if (chars[i] === "^") {
    negated = true;
    i++;
  }
  const spans: [number, number][] = [];
  let ranges = 0;
  for (;;) {
    const char = chars[i];
    if (char === "]" && ranges > 0) {
      // Go's class matches any character, `/` included, unlike `?` and `*`.
      const test = (c: string) => {
        const point = c.codePointAt(0) ?? 0;
        return spans.some(([low, high]) => point >= low && point <= high) !== negated;
      };
      return { test, next: i + 1 };
    }
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
    // Go accepts a reversed range (`[z-a]`); it matches nothing.
    spans.push([low.char.codePointAt(0) ?? 0, high.char.codePointAt(0) ?? 0]);
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
