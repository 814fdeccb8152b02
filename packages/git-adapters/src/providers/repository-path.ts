import { PullRequestError } from "./errors.js";

/** Host and path (`owner/name`, or `group/sub/project` on GitLab) of a clone URL, `.git` removed. */
export interface RepositoryCoordinates {
  readonly host: string;
  readonly path: string;
}

/** Reads host and path from `https://host/owner/name.git`, `ssh://git@host/owner/name.git` or `git@host:owner/name`. */
export function repositoryCoordinates(url: string, provider: string): RepositoryCoordinates {
  let host = "";
  let path = "";
  const scp = /^(?:[^@/:]+@)?(?<host>[^/:]+):(?<path>[^/].*)$/.exec(url);
  if (!url.includes("://") && scp?.groups) {
    host = scp.groups.host ?? "";
    path = scp.groups.path ?? "";
  } else {
    try {
      const parsed = new URL(url);
      host = parsed.host;
      path = parsed.pathname;
    } catch {
      // reported below
    }
  }
  path = path
    .replace(/^\/+/, "")
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
  if (!host || !path.includes("/")) {
    throw new PullRequestError(`[${provider}] cannot tell owner and repository from the repository URL`, { provider });
  }
  return { host, path };
}
