/**
 * The `git` write-back: group the cycle's changes per (repository, branch), plan every application's file
 * edits against the branch, and push exactly one commit per group; then open a pull request when asked.
 */
import pLimit from "p-limit";
import type { ApplicationUpdateConfig } from "../config/types.js";
import { planWriteBack } from "../editors/plan.js";
import type { ImageChange } from "../editors/types.js";
import { GitWriteError, ImageUpdaterError, PushGaveUpError, type PushGiveUpLimit } from "../errors.js";
import { repositoryKey } from "../git/repository-url.js";
import type {
  GitCredentials,
  GitRepository,
  GitWriter,
  PullRequestProvider,
  PushRetryBudget,
  RepositoryFiles,
} from "../git/types.js";
import type { Application, ApplicationRef } from "../source/types.js";
import { branchNameData, branchNameFromPrefix, computeTargetKey, renderBranchName } from "../template/branch-name.js";
import { commitMessageData, fallbackCommitMessage, renderCommitMessage } from "../template/commit-message.js";
import type { Template } from "../template/render.js";
import type { BranchViews } from "./live-images.js";
import { openOwedPullRequest } from "./pull-request-owed.js";
import { pushPriorityOf } from "./push-priority.js";
import { createPushRetryBudget, DEFAULT_PUSH_RETRIES_PER_GROUP } from "./push-retry-budget.js";
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
  /** The push kept losing races and gave up (`error` is `GIT_CONFLICT`). */
  readonly gaveUp?: PushGiveUp;
  /** Applications sharing the commit (this one included). */
  readonly group: readonly ApplicationRef[];
}

/** How a push that lost every race ended: what the writer says, and what the cycle's budget had left. */
export interface PushGiveUp {
  readonly attempts: number | null;
  readonly limit: PushGiveUpLimit | null;
  readonly budgetRemaining: number;
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
  /** Repositories written at the same time. @default 4 */
  readonly repositoryConcurrency?: number;
  /** Push retries per group, pooled over the call (see {@link createPushRetryBudget}). @default 2 */
  readonly pushRetriesPerGroup?: number;
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

async function writeGroup(
  context: GitWriteContext,
  targets: readonly Target[],
  retryBudget: PushRetryBudget,
): Promise<GitWriteOutcome[]> {
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
    const writeBranch = first.branch !== first.base;
    const branchView = writeBranch ? await open(first.branch) : null;
    const view = branchView ?? (await open(first.base));
    if (view === null) {
      throw new GitWriteError(
        "GIT_FAILED",
        `branch \`${first.base}\` does not exist in the repository; check \`git-branch\` or \`targetRevision\``,
        { branch: first.base },
      );
    }
    const { changes, failures } = await planGroup(context, view, targets);
    const planned = targets.filter((target) => !failures.has(target));
    const message = renderMessage(context, planned);
    const result =
      changes.length === 0
        ? null
        : await context.git.commit(
            {
              repository: first.repository,
              branch: first.branch,
              ...(writeBranch ? { baseBranch: first.base } : {}),
              message,
              author: context.author,
              signOff: context.signOff,
              ...(context.signing === undefined ? {} : { signing: context.signing }),
              changes,
              retryBudget,
            },
            signal,
          );
    const sha = result?.sha ?? null;
    const pullRequest =
      writeBranch && planned.length > 0
        ? await openOwedPullRequest(context, { target: first, message, sha, branchView })
        : undefined;
    return targets.map((target) => {
      const error = failures.get(target);
      if (error !== undefined) return outcome(target, { status: "failed", error });
      return outcome(target, {
        status: sha === null ? "unchanged" : "committed",
        sha,
        ...(pullRequest === undefined ? {} : { pullRequest }),
      });
    });
  } catch (error) {
    const typed = asError(error);
    const gaveUp: PushGiveUp | undefined =
      typed.code !== "GIT_CONFLICT"
        ? undefined
        : typed instanceof PushGaveUpError
          ? { attempts: typed.attempts, limit: typed.limit, budgetRemaining: retryBudget.remaining }
          : { attempts: null, limit: null, budgetRemaining: retryBudget.remaining };
    return targets.map((target) => outcome(target, { status: "failed", error: typed, ...(gaveUp ? { gaveUp } : {}) }));
  }
}

/**
 * Writes every item's changes: one commit per (repository, push branch, base branch). Groups of one
 * repository run one after another (the writer serialises per repository anyway); different repositories
 * are written a few at a time, and a repository whose push gave up in the last cycle starts first. Never throws.
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
  const byRepository = new Map<string, [string, Target[]][]>();
  for (const [key, group] of priority.order([...groups.entries()], ([key]) => key)) {
    const repository = repositoryKey(group[0]?.repository.url ?? "");
    byRepository.set(repository, [...(byRepository.get(repository) ?? []), [key, group]]);
  }
  const retryBudget = createPushRetryBudget(context.pushRetriesPerGroup ?? DEFAULT_PUSH_RETRIES_PER_GROUP, groups.size);
  const limit = pLimit(Math.max(1, context.repositoryConcurrency ?? 4));
  const written = await Promise.all(
    [...byRepository.values()].map((repositoryGroups) =>
      limit(async () => {
        const done: GitWriteOutcome[] = [];
        for (const [key, group] of repositoryGroups) {
          const outcomesOfGroup = await writeGroup(context, group, retryBudget);
          priority.record(
            key,
            outcomesOfGroup.some((outcome) => outcome.gaveUp !== undefined),
          );
          done.push(...outcomesOfGroup);
        }
        return done;
      }),
    ),
  );
  // Outcomes by repository in the order repositories were first met, whichever finished first.
  return [...outcomes, ...written.flat()];
}
