/** Write-back configuration of an `ImageUpdater` CR: method, git settings and pull requests. */
import type { Sourced } from "./crd-fields.js";
import { checkFields } from "./crd-fields.js";
import type { WriteBackSettings } from "./crd-settings.js";
import type { Diagnostic } from "./diagnostic.js";
import { diag, type SettingContext } from "./settings.js";
import type { GitWriteBackConfig, PullRequestConfig, WriteBackConfig } from "./types.js";
import {
  checkRepositoryUrl,
  DEFAULT_BRANCH_PREFIX,
  parseGitBranch,
  parseWriteBackMethod,
  parseWriteBackTarget,
} from "./write-back.js";

/** Push branch of pull-request mode when none is configured (argocd-image-updater's naming). */
export const PULL_REQUEST_BRANCH_TEMPLATE = "image-updater-{{.TargetKey}}-{{.SHA256}}";

/** The default write-back. */
export const ARGOCD: WriteBackConfig = { method: "argocd" };

/** The write-back config of merged settings; `undefined` (with errors) when it must not be used. */
export function buildWriteBack(
  settings: WriteBackSettings,
  namespace: string,
  diagnostics: Diagnostic[],
): WriteBackConfig | undefined {
  const at = (source: Sourced<unknown>): SettingContext => ({ key: source.path });
  const methodText = settings.method?.value ?? "argocd";
  const method = parseWriteBackMethod(
    methodText,
    settings.method ? at(settings.method) : { key: "spec.writeBackConfig.method" },
    namespace,
  );
  diagnostics.push(...method.diagnostics);
  if (method.value === undefined) return undefined;
  if (method.value.method === "argocd") {
    // Git fields inherited from spec while an applicationRef switches to argocd are expected, not a mistake.
    const inheritedOnly = (source: Sourced<unknown>) =>
      settings.method !== undefined &&
      !settings.method.path.startsWith("spec.writeBackConfig") &&
      source.path.startsWith("spec.writeBackConfig");
    for (const source of [settings.repository, settings.branch, settings.writeBackTarget, settings.pullRequest]) {
      if (source && !inheritedOnly(source))
        diagnostics.push(
          diag(at(source), "warning", "only used with a git write-back method; set `method: git` or remove it"),
        );
    }
    return ARGOCD;
  }
  const target = settings.writeBackTarget
    ? parseWriteBackTarget(settings.writeBackTarget.value, at(settings.writeBackTarget))
    : undefined;
  if (target) diagnostics.push(...target.diagnostics);
  if (target && target.value === undefined) return undefined;
  const branch = settings.branch ? parseGitBranch(settings.branch.value, at(settings.branch)) : undefined;
  if (branch) diagnostics.push(...branch.diagnostics);
  let pullRequest: PullRequestConfig | undefined;
  if (settings.pullRequest) {
    const parsed = readPullRequest(settings.pullRequest, diagnostics);
    if (parsed === undefined) return undefined;
    pullRequest = parsed;
    if (settings.branch?.value.includes(":")) {
      diagnostics.push(
        diag(
          at(settings.branch),
          "error",
          "with pullRequest, branch names only the base branch (no `:`); the pull request branch is generated",
        ),
      );
      return undefined;
    }
  }
  const writeBranch =
    branch?.value.writeBranchTemplate ??
    (pullRequest && !method.value.branchPerUpdate ? PULL_REQUEST_BRANCH_TEMPLATE : undefined);
  const branchPrefix = writeBranch === undefined && method.value.branchPerUpdate ? DEFAULT_BRANCH_PREFIX : undefined;
  if (settings.repository) diagnostics.push(...checkRepositoryUrl(settings.repository.value, at(settings.repository)));
  const git: GitWriteBackConfig = {
    credentials: method.value.credentials ?? { kind: "repocreds" },
    ...(settings.repository?.value.trim() ? { repository: settings.repository.value.trim() } : {}),
    ...(branch?.value.baseBranch ? { baseBranch: branch.value.baseBranch } : {}),
    ...(writeBranch !== undefined ? { writeBranch } : {}),
    ...(branchPrefix !== undefined ? { branchPrefix } : {}),
    target: target?.value ?? { kind: "default" },
    ...(pullRequest ? { pullRequest } : {}),
  };
  return { method: method.value.method, git };
}

function readPullRequest(
  source: Sourced<Record<string, unknown>>,
  diagnostics: Diagnostic[],
): PullRequestConfig | undefined {
  const raw = source.value;
  const fail = (key: string, message: string): undefined => {
    diagnostics.push({ severity: "error", key, message: `${message}; the application is not updated` });
    return undefined;
  };
  checkFields(raw, source.path, ["github", "gitlab", "labels"], diagnostics);
  const providers = (["github", "gitlab"] as const).filter((p) => raw[p] !== undefined && raw[p] !== null);
  if (providers.length !== 1) return fail(source.path, "pullRequest sets exactly one of `github: {}` or `gitlab: {}`");
  const labels = raw.labels ?? [];
  if (!Array.isArray(labels) || labels.some((l) => typeof l !== "string" || l.length === 0 || l.length > 255)) {
    return fail(`${source.path}.labels`, "labels is a list of 1 to 255 character strings");
  }
  if (labels.length > 100) return fail(`${source.path}.labels`, "at most 100 labels");
  return { provider: providers[0]!, labels: labels as string[] };
}
