/** `WWW-Authenticate` parsing (RFC 7235), enough for the Basic and Bearer challenges registries send. */

/** One challenge: its scheme in lower case and its parameters (keys in lower case). */
export interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

const PARAM = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*("((?:[^"\\]|\\.)*)"|[^,\s]*)\s*,?/;
const SCHEME = /^\s*,?\s*([A-Za-z][A-Za-z0-9_-]*)(?=\s|$)/;

/** Every challenge in a header value, in order. Unparseable tails are ignored. */
export function parseChallenges(header: string | null): Challenge[] {
  const challenges: Challenge[] = [];
  let rest = header ?? "";
  while (rest.trim() !== "") {
    const scheme = SCHEME.exec(rest);
    if (scheme === null) break;
    rest = rest.slice(scheme[0].length);
    const params: Record<string, string> = {};
    for (let match = PARAM.exec(rest); match !== null; match = PARAM.exec(rest)) {
      const key = match[1]?.toLowerCase() ?? "";
      params[key] = match[3] !== undefined ? match[3].replace(/\\(.)/g, "$1") : (match[2] ?? "");
      rest = rest.slice(match[0].length);
    }
    challenges.push({ scheme: scheme[1]?.toLowerCase() ?? "", params });
  }
  return challenges;
}
