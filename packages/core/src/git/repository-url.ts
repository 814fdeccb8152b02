/** Repository identity: the one rule for "these two URLs name the same repository". */

/**
 * A repository URL reduced to what identifies the repository: scheme and host lower-cased, userinfo, a trailing
 * `/` and `.git` dropped (`https://bot:t@GIT.example.com/org/r.git/` ≡ `https://git.example.com/org/r`).
 * Used to pick a multi-source Application's source and to group one commit per repository and branch.
 */
export function repositoryKey(url: string): string {
  const trimmed = url
    .trim()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  const scheme = /^([a-z][a-z0-9+.-]*:\/\/)([^/]*)(.*)$/i.exec(trimmed);
  if (scheme === null) return trimmed;
  const host = (scheme[2] ?? "").replace(/^[^@]*@/, "").toLowerCase();
  return `${(scheme[1] ?? "").toLowerCase()}${host}${scheme[3] ?? ""}`;
}
