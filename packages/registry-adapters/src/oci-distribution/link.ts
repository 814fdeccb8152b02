/** The `rel="next"` target of an RFC 8288 `Link` header, resolved against the request URL. */
export function nextLink(header: string | null, base: URL): URL | undefined {
  if (header === null) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (match === null) continue;
    const rels =
      /;\s*rel\s*=\s*"?([^";]+)"?/i
        .exec(match[2] ?? "")?.[1]
        ?.toLowerCase()
        .split(/\s+/) ?? [];
    if (!rels.includes("next")) continue;
    try {
      return new URL(match[1] ?? "", base);
    } catch {
      return undefined;
    }
  }
  return undefined;
}
