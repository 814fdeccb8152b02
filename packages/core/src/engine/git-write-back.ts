/**
 * The `git` write-back: group the cycle's changes per (repository, branch), plan every application's file
 * edits against the branch, and push exactly one commit per group; then open a pull request when asked.
 */
import type { ApplicationUpdateConfig } from "../config/types.js";
import { planWriteBack } from "../editors/plan.js";
import type { ImageChange } from "../editors/types.js";
import { GitWriteError, ImageUpdaterError } from "../errors.js";
import { repositoryKey } from "../git/repository-url.js";
import type { GitCredentials, GitRepository, GitWriter, PullRequestProvider, RepositoryFiles } from "../git/types.js";
import type { Application, ApplicationRef } from "../source/types.js";
import { branchNameData, branchNameFromPrefix, computeTargetKey, renderBranchName } from "../template/branch-name.js";
import { commitMessageData, fallbackCommitMessage, renderCommitMessage } from "../template/commit-message.js";
import type { Template } from "../template/render.js";
import type { BranchViews } from "./live-images.js";
import { pushPriorityOf } from "./push-priority.js";
import type { GitCredentialsRequest } from "./types.js";
import { locateWriteBack, type WriteBackLocation } from "./write-back-location.js";

/** One application's changes bound for Git. */
export interface GitWriteItem {
  readonly application: Application;
  readonly config: ApplicationUpdateConfig;
  readonly changes: readonly ImageChange[];
}

/** What happened to one application's changes. */
export interface GitWriteOutcome {
  readonly application: ApplicationRef;
  readonly status: "committed" | "unchanged" | "failed";
  readonly repoUrl: string | null;
  readonly branch: string | null;
  readonly sha: string | null;
  readonly pullRequest?: { readonly url: string; readonly created: boolean };
  readonly error?: ImageUpdaterError;
  /** Applications sharing the commit (this one included). */
  readonly group: readonly ApplicationRef[];
}

/** What {@link writeBackToGit} needs from the engine. */
export interface GitWriteContext {
  readonly git: GitWriter;
  readonly author: { readonly name: string; readonly email: string };
  readonly messageTemplate: Template | string | undefined;
  readonly signOff: boolean;
  readonly signing?: { readonly method: "openpgp" | "ssh"; readonly key: string };
  readonly gitCredentials: (request: GitCredentialsRequest) => Promise<GitCredentials | undefined>;
  readonly pullRequests: ((repoUrl: string) => PullRequestProvider | undefined) | undefined;
  readonly argocdNamespace: string;
  readonly signal: AbortSignal | undefined;
  /** Branch views of the cycle, shared with the live-image reading. */
  readonly views?: BranchViews;
}

interface Target {
  readonly item: GitWriteItem;
  readonly repository: GitRepository;
  readonly base: string;
  readonly branch: string;
  readonly location: WriteBackLocation;
}

function asError(error: unknown, code: "GIT_FAILED" | "TEMPLATE_INVALID" = "GIT_FAILED"): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  return new GitWriteError(code, error instanceof Error ? error.message : String(error), { cause: error });
}

async function resolveTarget(
  context: GitWriteContext,
  item: GitWriteItem,
  defaults: Map<string, Promise<string>>,
): Promise<Target> {
  const git = item.config.writeBack.git;
  const location = locateWriteBack(item.application, item.config);
  const url = location.repoUrl;
  if (git === undefined || url === undefined || url === "") {
    throw new ImageUpdaterError(
      "CONFIG_INVALID",
      "the application has no repository to write to; set `git-repository` or `spec.source.repoURL`",
    );
  }
  const credentials = await context.gitCredentials({
    application: item.application,
    repoUrl: url,
    source: git.credentials,
  });
  const repository: GitRepository = { url, ...(credentials === undefined ? {} : { credentials }) };
  let base = location.baseBranch;
  if (base === "" || base === "HEAD") {
    let pending = defaults.get(url);
    if (pending === undefined) {
      pending = context.git.defaultBranch(repository, context.signal === undefined ? {} : { signal: context.signal });
      defaults.set(url, pending);
    }
    base = await pending;
  }
  const targetText = JSON.stringify(git.target);
  const data = branchNameData({
    application: item.application,
    changes: item.changes,
    targetKey: computeTargetKey(url, base, targetText),
  });
  const branch =
    git.writeBranch !== undefined
      ? renderBranchName(git.writeBranch, data)
      : git.branchPrefix !== undefined
        ? branchNameFromPrefix(git.branchPrefix, data)
        : base;
  return { item, repository, base, branch, location };
}

function renderMessage(context: GitWriteContext, targets: readonly Target[]): string {
  const groups = targets.map((target) => ({ application: target.item.application, changes: target.item.changes }));
  const data =
    groups.length === 1 && groups[0] !== undefined
      ? commitMessageData(groups[0].application, groups[0].changes)
      : commitMessageData(groups);
  try {
    return renderCommitMessage(context.messageTemplate, data);
  } catch {
    return fallbackCommitMessage(data.AppName);
  }
}

async function planGroup(context: GitWriteContext, files: RepositoryFiles, targets: readonly Target[]) {
  const changes = [];
  const failures = new Map<Target, ImageUpdaterError>();
  for (const target of targets) {
    const plan = await planWriteBack({
      files,
      application: target.item.application,
      sourcePath: target.location.sourcePath,
      ...(target.location.source === undefined ? {} : { source: target.location.source }),
      target: target.location.target,
      changes: target.item.changes,
      argocdNamespace: context.argocdNamespace,
    });
    const errors = plan.diagnostics.filter((diagnostic) => diagnostic.severity === "error");
    if (errors.length > 0 && plan.changes.length === 0) {
      const message = errors.map((diagnostic) => `${diagnostic.key}: ${diagnostic.message}`).join("; ");
      failures.set(target, new ImageUpdaterError("MANIFEST_INVALID", message));
      continue;
    }
    changes.push(...plan.changes);
  }
  return { changes, failures };
}

async function writeGroup(context: GitWriteContext, targets: readonly Target[]): Promise<GitWriteOutcome[]> {
  const first = targets[0];
  if (first === undefined) return [];
  const refs = targets.map((target) => ({
    namespace: target.item.application.namespace,
    name: target.item.application.name,
  }));
  const outcome = (
    target: Target,
    fields: Partial<GitWriteOutcome> & Pick<GitWriteOutcome, "status">,
  ): GitWriteOutcome => ({
    application: { namespace: target.item.application.namespace, name: target.item.application.name },
    repoUrl: first.repository.url,
    branch: first.branch,
    sha: null,
    group: refs,
    ...fields,
  });
  const signal = context.signal === undefined ? {} : { signal: context.signal };
  // The cycle has usually read these branches already to find the live images: reuse its views.
  const open = (branch: string) =>
    context.views === undefined
      ? context.git.openBranch(first.repository, branch, signal)
      : context.views.open(first.repository, branch);
  try {
    const view = (first.branch !== first.base ? await open(first.branch) : null) ?? (await open(first.base));
    if (view === null) {
      throw new GitWriteError(
        "GIT_FAILED",
        `branch \`${first.base}\` does not exist in the repository; check \`git-branch\` or \`targetRevision\``,
        { branch: first.base },
      );
    }
    const { changes, failures } = await planGroup(context, view, targets);
    const planned = targets.filter((target) => !failures.has(target));
    if (changes.length === 0) {
      return targets.map((target) => {
        const error = failures.get(target);
        return error === undefined
          ? outcome(target, { status: "unchanged" })
          : outcome(target, { status: "failed", error });
      });
    }
    const message = renderMessage(context, planned);
    const result = await context.git.commit(
      {
        repository: first.repository,
        branch: first.branch,
        ...(first.branch === first.base ? {} : { baseBranch: first.base }),
        message,
        author: context.author,
        signOff: context.signOff,
        ...(context.signing === undefined ? {} : { signing: context.signing }),
        changes,
      },
      signal,
    );
    let pullRequest: { url: string; created: boolean } | undefined;
    const wantsPullRequest = first.item.config.writeBack.git?.pullRequest;
    const provider = context.pullRequests?.(first.repository.url);
    if (
      first.branch !== first.base &&
      provider !== undefined &&
      (result.sha !== null || wantsPullRequest !== undefined)
    ) {
      const [title = "", ...body] = message.split("\n");
      const opened = await provider.openOrUpdate(
        {
          repository: first.repository,
          head: first.branch,
          base: first.base,
          title,
          body: body.join("\n").trim(),
          labels: wantsPullRequest?.labels ?? [],
        },
        signal,
      );
      pullRequest = { url: opened.url, created: opened.created };
    }
    return targets.map((target) => {
      const error = failures.get(target);
      if (error !== undefined) return outcome(target, { status: "failed", error });
      return outcome(target, {
        status: result.sha === null ? "unchanged" : "committed",
        sha: result.sha,
        ...(pullRequest === undefined ? {} : { pullRequest }),
      });
    });
  } catch (error) {
    const typed = asError(error);
    return targets.map((target) => outcome(target, { status: "failed", error: typed }));
  }
}

/**
 * Writes every item's changes: one commit per (repository, push branch, base branch). Groups of one
 * repository run one after another (the writer serialises per repository anyway); a repository whose push
 * gave up in the last cycle goes first. Never throws.
 */
export async function writeBackToGit(
  context: GitWriteContext,
  items: readonly GitWriteItem[],
): Promise<GitWriteOutcome[]> {
  const defaults = new Map<string, Promise<string>>();
  const outcomes: GitWriteOutcome[] = [];
  const groups = new Map<string, Target[]>();
  for (const item of items) {
    try {
      const target = await resolveTarget(context, item, defaults);
      // One commit per repository and branch, however the applications spell the repository's URL.
      const key = JSON.stringify([repositoryKey(target.repository.url), target.branch, target.base]);
      const group = groups.get(key) ?? [];
      group.push(target);
      groups.set(key, group);
    } catch (error) {
      const ref = { namespace: item.application.namespace, name: item.application.name };
      outcomes.push({
        application: ref,
        status: "failed",
        repoUrl: null,
        branch: null,
        sha: null,
        error: asError(error),
        group: [ref],
      });
    }
  }
  const priority = pushPriorityOf(context.git);
  const ordered = priority.order([...groups.entries()], ([key]) => key);
  for (const [key, group] of ordered) {
    const written = await writeGroup(context, group);
    priority.record(
      key,
      written.some((outcome) => outcome.status === "failed" && outcome.error?.code === "GIT_CONFLICT"),
    );
    outcomes.push(...written);
  }
  return outcomes;
}
