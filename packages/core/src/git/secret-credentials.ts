/**
 * The one rule that turns Kubernetes Secrets into git credentials, shared by every source of Secrets (the API,
 * a folder of manifests, the engine's `git:secret:` default): which fields count, and how Argo CD matches
 * its repository Secrets to a repository URL.
 */
import type { GitCredentials } from "./types.js";

/** Label Argo CD puts on its repository (`repository`) and credential template (`repo-creds`) Secrets. */
export const ARGOCD_SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type";

/** Argo CD compares repository URLs case-insensitively, without a trailing `/` or `.git`. */
export function normalizeRepoUrl(url: string): string {
  return url
    .trim()
    .toLowerCase()
    .replace(/\/+$/, "")
    .replace(/\.git$/, "");
}

/** `ssh://…` and scp-style `user@host:path` remotes. */
export function isSshRepoUrl(url: string): boolean {
  return url.startsWith("ssh://") || /^[^/@:]+@[^/:]+:/.test(url);
}

/**
 * Credentials a Secret's decoded data gives for `repoUrl`, as Argo CD reads repository Secrets: an SSH remote
 * takes `sshPrivateKey` (with `knownHosts`, or `insecure: "true"` to skip host key checks); any other takes
 * `username` + `password`, or a lone `password` (a token) with the `x-access-token` user. `null` when the
 * Secret has neither form for this URL.
 */
export function gitCredentialsFromSecret(
  data: Readonly<Record<string, string>>,
  repoUrl: string,
): GitCredentials | null {
  if (isSshRepoUrl(repoUrl) && data.sshPrivateKey) {
    return {
      kind: "ssh",
      privateKey: data.sshPrivateKey,
      ...(data.knownHosts ? { knownHosts: data.knownHosts } : {}),
      ...(data.insecure === "true" ? { insecureIgnoreHostKey: true } : {}),
    };
  }
  if (data.username !== undefined && data.password !== undefined) {
    return { kind: "https", username: data.username, password: data.password };
  }
  if (data.password !== undefined) return { kind: "https", username: "x-access-token", password: data.password };
  return null;
}

/** What {@link gitCredentialsFromSecret} needs to say instead, naming the Secret but never a value. */
export function missingGitCredentialFields(secret: string, repoUrl: string): string {
  return isSshRepoUrl(repoUrl)
    ? `Secret ${secret} has no \`sshPrivateKey\` for the SSH remote; add it, or use an https URL with \`username\` and \`password\``
    : `Secret ${secret} has neither \`username\` and \`password\` nor a \`password\` token for the https remote`;
}

/** A Secret as repository matching sees it. */
export interface LabelledSecret {
  readonly labels: Readonly<Record<string, string>>;
  readonly data: Readonly<Record<string, string>>;
}

/**
 * The Argo CD Secret holding credentials for `repoUrl`: the `repository` Secret whose `url` is the repository,
 * else the `repo-creds` template with the longest `url` prefix of it; `undefined` when none matches.
 */
export function findRepositorySecret<T extends LabelledSecret>(secrets: readonly T[], repoUrl: string): T | undefined {
  const wanted = normalizeRepoUrl(repoUrl);
  const repository = secrets.find(
    (s) =>
      s.labels[ARGOCD_SECRET_TYPE_LABEL] === "repository" &&
      s.data.url !== undefined &&
      normalizeRepoUrl(s.data.url) === wanted,
  );
  if (repository) return repository;
  let best: T | undefined;
  let bestLength = -1;
  for (const secret of secrets) {
    if (secret.labels[ARGOCD_SECRET_TYPE_LABEL] !== "repo-creds" || !secret.data.url) continue;
    const prefix = normalizeRepoUrl(secret.data.url);
    if (wanted.startsWith(prefix) && prefix.length > bestLength) {
      best = secret;
      bestLength = prefix.length;
    }
  }
  return best;
}
