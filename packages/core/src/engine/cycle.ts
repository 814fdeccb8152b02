/**
 * One update cycle: list applications, read their configuration, check every image (tag listings shared
 * across applications), and persist the changes: one commit per (repository, branch), the Application itself,
 * or nothing under dry run / `git:noop`. One broken application or registry never stops the others.
 */
import pLimit from "p-limit";
import { parseApplicationAnnotations } from "../config/annotations.js";
import type { ApplicationConfigResult, ApplicationUpdateConfig, ImageUpdateConfig } from "../config/types.js";
import type { ImageChange } from "../editors/types.js";
import { ImageUpdaterError, SourceError } from "../errors.js";
import type { GitRepository } from "../git/types.js";
import { sameImage } from "../image/reference.js";
import { declaredSourceType, parameterSource } from "../source/application-sources.js";
import type { Application, ApplicationRef } from "../source/types.js";
import { checkImage, type ImageCheckContext } from "./check-image.js";
import type { CycleStartedEvent, TypedEmitter, UpdaterEvents } from "./events.js";
import { type GitWriteContext, type GitWriteItem, writeBackToGit } from "./git-write-back.js";
import { type ApplicationImages, type BranchViews, createBranchViews, readApplicationImages } from "./live-images.js";
import type { ResolvedOptions } from "./options.js";
import { applyChangesToSource } from "./source-spec.js";
import { tagHintsOf } from "./tag-hints.js";
import type { ApplicationResult, CycleResult, ImageResult, RunOptions } from "./types.js";

interface ApplicationPlan {
  readonly application: Application;
  readonly config: ApplicationUpdateConfig;
  readonly images: ImageResult[];
  readonly changes: ImageChange[];
  errors: number;
  writeBack: ApplicationResult["writeBack"];
  commit?: ApplicationResult["commit"];
  pullRequest?: string;
  error?: string;
  /** Not checked (or not to the end) because the cycle's budget ran out. */
  deferred?: boolean;
  /** A check of one of its images was aborted. */
  aborted?: boolean;
}

function refOf(application: Application): ApplicationRef {
  return { namespace: application.namespace, name: application.name };
}

function asError(error: unknown, code: "SOURCE_UNAVAILABLE" | "GIT_FAILED" = "GIT_FAILED"): ImageUpdaterError {
  if (error instanceof ImageUpdaterError) return error;
  return new ImageUpdaterError(code, error instanceof Error ? error.message : String(error), { cause: error });
}

function configure(options: ResolvedOptions, applications: readonly Application[]) {
  if (options.configResolver !== undefined) return options.configResolver(applications);
  const key = `${options.annotationPrefix}/image-list`;
  const configured: { application: Application; result: ApplicationConfigResult }[] = [];
  for (const application of applications) {
    if (application.annotations[key] === undefined) continue;
    const result = parseApplicationAnnotations(application.annotations, {
      prefix: options.annotationPrefix,
      application: refOf(application),
      knownStrategies: options.strategyNames,
    });
    configured.push({ application, result });
  }
  return configured;
}

/** The cycle's engine: options, the emitter, and a run id. */
export interface CycleContext {
  readonly options: ResolvedOptions;
  /** Git credentials looked up once per cycle per repository and source (a Secret read per app is waste). */
  readonly gitCredentials?: ResolvedOptions["gitCredentials"];
  readonly emitter: TypedEmitter<UpdaterEvents>;
  readonly runId: string;
  readonly trigger: CycleStartedEvent["trigger"];
  /** Applications to check first (`namespace/name`): those the previous cycle deferred. */
  readonly first?: ReadonlySet<string>;
}

/** True when `application` is in the run's scope: every application, or one an image or a name selects. */
function inScope(run: RunOptions, application: Application, config: ApplicationConfigResult["config"]): boolean {
  const images = [...(run.image === undefined ? [] : [run.image]), ...(run.images ?? []).map((i) => i.image)];
  const names = run.applications ?? [];
  if (run.image === undefined && run.images === undefined && run.applications === undefined) return true;
  return (
    names.some((ref) => ref.namespace === application.namespace && ref.name === application.name) ||
    config.images.some((image) => images.some((wanted) => sameImage(image.image, wanted)))
  );
}

/**
 * The images of an in-scope application that a run checks: all of them, unless only an image trigger
 * selected it; then the triggered images alone, so a push lists no other repository.
 */
function imagesInScope(run: RunOptions, application: Application, config: ApplicationUpdateConfig) {
  if (run.image === undefined && run.images === undefined) return config.images;
  const named = (run.applications ?? []).some(
    (ref) => ref.namespace === application.namespace && ref.name === application.name,
  );
  if (named) return config.images;
  const wanted = [...(run.image === undefined ? [] : [run.image]), ...(run.images ?? []).map((i) => i.image)];
  return config.images.filter((image) => wanted.some((name) => sameImage(image.image, name)));
}

/** The model of the application's images; git credentials are looked up only when Git must be read. */
function readImages(context: CycleContext, plan: ApplicationPlan, views: BranchViews | undefined) {
  const lookup = context.gitCredentials ?? context.options.gitCredentials;
  const git = plan.config.writeBack.git;
  return readApplicationImages({
    application: plan.application,
    config: plan.config,
    ...(views === undefined ? {} : { views }),
    argocdNamespace: context.options.argocdNamespace,
    async repository(location): Promise<GitRepository | undefined> {
      const url = location.repoUrl;
      if (url === undefined) return undefined;
      const credentials =
        git === undefined
          ? undefined
          : await lookup({ application: plan.application, repoUrl: url, source: git.credentials });
      return { url, ...(credentials === undefined ? {} : { credentials }) };
    },
  });
}

async function checkApplication(
  context: CycleContext,
  plan: ApplicationPlan,
  images: ImageCheckContext,
  views: BranchViews | undefined,
  scope: readonly ImageUpdateConfig[] = plan.config.images,
): Promise<void> {
  const { emitter, runId } = context;
  const application = refOf(plan.application);
  emitter.emit("application:checking", { runId, application });
  let model: ApplicationImages;
  try {
    model = await readImages(context, plan, views);
  } catch (error) {
    const typed = asError(error);
    plan.errors++;
    plan.error = typed.message;
    emitter.emit("application:failed", { runId, application, error: typed });
    return;
  }
  if (model.refused !== undefined) {
    const message = model.refused.map((diagnostic) => `${diagnostic.key}: ${diagnostic.message}`).join("; ");
    plan.errors++;
    plan.error = message;
    emitter.emit("application:failed", {
      runId,
      application,
      error: new ImageUpdaterError("MANIFEST_INVALID", message),
    });
    return;
  }
  for (const image of scope) {
    const check = await checkImage(images, image, model.running, model.spec);
    plan.images.push(check.result);
    const base = { runId, application, alias: check.result.alias, image: check.result.image };
    const vanished = check.decision?.vanished;
    if (vanished !== undefined) emitter.emit("image:vanished", { ...base, tag: vanished });
    switch (check.result.outcome) {
      case "skipped":
        emitter.emit("image:skipped", { ...base, reason: check.result.message });
        break;
      case "no-candidate":
        emitter.emit("image:no-candidate", {
          ...base,
          tagsFound: check.decision?.tagsFound ?? 0,
          reason: check.result.message,
        });
        break;
      case "up-to-date":
        emitter.emit("image:up-to-date", { ...base, tag: check.result.oldTag, message: check.result.message });
        break;
      case "error":
        plan.errors++;
        if (check.error?.code === "ABORTED") plan.aborted = true;
        emitter.emit("image:failed", {
          ...base,
          error: check.error ?? new ImageUpdaterError("REGISTRY_PROTOCOL", check.result.message),
        });
        break;
      case "updated":
        if (check.change !== undefined) plan.changes.push(check.change);
        emitter.emit("image:updating", {
          ...base,
          oldTag: check.result.oldTag,
          newTag: check.result.newTag ?? "",
          newDigest: check.result.newDigest,
        });
        break;
    }
  }
}

function markWritten(plan: ApplicationPlan, status: ApplicationResult["writeBack"]): void {
  plan.writeBack = status;
}

async function writeArgocd(context: CycleContext, plans: readonly ApplicationPlan[]): Promise<void> {
  const { emitter, runId, options } = context;
  for (const plan of plans) {
    const application = refOf(plan.application);
    const source = parameterSource(plan.application);
    try {
      if (options.applicationWriter === undefined) {
        throw new ImageUpdaterError(
          "CONFIG_INVALID",
          "the `argocd` write-back method needs an application writer; use `write-back-method: git` or configure one",
        );
      }
      if (source === undefined)
        throw new ImageUpdaterError("CONFIG_INVALID", "the application has no `spec.source` to write to");
      const updated = applyChangesToSource(
        source,
        plan.changes,
        declaredSourceType(plan.application, source) ?? "Directory",
      );
      await options.applicationWriter.updateSource(
        application,
        updated,
        options.signal === undefined ? {} : { signal: options.signal },
      );
      markWritten(plan, "argocd");
      emitter.emit("writeback:committed", {
        runId,
        method: "argocd",
        repoUrl: null,
        branch: null,
        sha: null,
        applications: [application],
        changes: plan.changes.map((change) => ({
          application,
          image: change.image,
          oldTag: change.oldTag ?? null,
          newTag: change.newTag,
        })),
      });
    } catch (error) {
      const typed = asError(error, "SOURCE_UNAVAILABLE");
      plan.errors++;
      plan.error = typed.message;
      markWritten(plan, "failed");
      emitter.emit("writeback:failed", {
        runId,
        repoUrl: null,
        branch: null,
        applications: [application],
        error: typed,
      });
    }
  }
}

async function writeGit(
  context: CycleContext,
  plans: readonly ApplicationPlan[],
  views: BranchViews | undefined,
): Promise<CycleResult["commits"]> {
  const { emitter, runId, options } = context;
  const byRef = new Map(plans.map((plan) => [`${plan.application.namespace}/${plan.application.name}`, plan]));
  if (options.git === undefined) {
    for (const plan of plans) {
      const error = new ImageUpdaterError("CONFIG_INVALID", "the `git` write-back method needs a git writer");
      plan.errors++;
      plan.error = error.message;
      markWritten(plan, "failed");
      emitter.emit("writeback:failed", {
        runId,
        repoUrl: null,
        branch: null,
        applications: [refOf(plan.application)],
        error,
      });
    }
    return [];
  }
  const writeContext: GitWriteContext = {
    git: options.git,
    author: options.author,
    messageTemplate: options.messageTemplate,
    signOff: options.signOff,
    ...(options.signing === undefined ? {} : { signing: options.signing }),
    gitCredentials: context.gitCredentials ?? options.gitCredentials,
    pullRequests: options.pullRequests,
    argocdNamespace: options.argocdNamespace,
    signal: options.signal,
    pushRetriesPerGroup: options.pushRetriesPerGroup,
    ...(views === undefined ? {} : { views }),
  };
  const items: GitWriteItem[] = plans.map((plan) => ({
    application: plan.application,
    config: plan.config,
    changes: plan.changes,
  }));
  const outcomes = await writeBackToGit(writeContext, items);
  const commits = new Map<string, { repoUrl: string; branch: string; sha: string }>();
  const reported = new Set<string>();
  for (const outcome of outcomes) {
    const plan = byRef.get(`${outcome.application.namespace}/${outcome.application.name}`);
    if (plan === undefined) continue;
    const groupKey = JSON.stringify([outcome.repoUrl, outcome.branch, outcome.sha, outcome.status]);
    if (outcome.status === "failed") {
      plan.errors++;
      plan.error = outcome.error?.message ?? "write-back failed";
      markWritten(plan, "failed");
      emitter.emit("writeback:failed", {
        runId,
        repoUrl: outcome.repoUrl,
        branch: outcome.branch,
        applications: [outcome.application],
        error: outcome.error ?? new ImageUpdaterError("GIT_FAILED", "write-back failed"),
      });
      if (outcome.gaveUp !== undefined && outcome.repoUrl !== null && outcome.branch !== null) {
        if (reported.has(groupKey)) continue;
        reported.add(groupKey);
        emitter.emit("writeback:gave-up", {
          runId,
          repoUrl: outcome.repoUrl,
          branch: outcome.branch,
          applications: outcome.group,
          ...outcome.gaveUp,
        });
      }
      continue;
    }
    markWritten(plan, outcome.status === "committed" ? "committed" : "unchanged");
    if (outcome.repoUrl !== null && outcome.branch !== null) {
      plan.commit = { repoUrl: outcome.repoUrl, branch: outcome.branch, sha: outcome.sha };
    }
    if (outcome.pullRequest !== undefined) plan.pullRequest = outcome.pullRequest.url;
    if (reported.has(groupKey)) continue;
    reported.add(groupKey);
    const members = outcome.group.flatMap((ref) => byRef.get(`${ref.namespace}/${ref.name}`) ?? []);
    if (outcome.status === "committed" && outcome.sha !== null && outcome.repoUrl !== null && outcome.branch !== null) {
      commits.set(outcome.sha, { repoUrl: outcome.repoUrl, branch: outcome.branch, sha: outcome.sha });
      emitter.emit("writeback:committed", {
        runId,
        method: "git",
        repoUrl: outcome.repoUrl,
        branch: outcome.branch,
        sha: outcome.sha,
        applications: outcome.group,
        changes: members.flatMap((member) =>
          member.changes.map((change) => ({
            application: refOf(member.application),
            image: change.image,
            oldTag: change.oldTag ?? null,
            newTag: change.newTag,
          })),
        ),
      });
    } else {
      emitter.emit("writeback:skipped", {
        runId,
        reason: "no-change",
        applications: outcome.group,
        changes: members.reduce((n, m) => n + m.changes.length, 0),
      });
    }
    // An open pull request found and left as it was (nothing committed) is no news.
    const pullRequestNews = outcome.pullRequest?.created === true || outcome.status === "committed";
    if (outcome.pullRequest !== undefined && outcome.branch !== null && pullRequestNews) {
      emitter.emit("pullrequest:opened", {
        runId,
        url: outcome.pullRequest.url,
        created: outcome.pullRequest.created,
        branch: outcome.branch,
        applications: outcome.group,
      });
    }
  }
  return [...commits.values()];
}

function memoizeCredentials(lookup: ResolvedOptions["gitCredentials"]): ResolvedOptions["gitCredentials"] {
  const known = new Map<string, ReturnType<ResolvedOptions["gitCredentials"]>>();
  return (request) => {
    const key = JSON.stringify([request.repoUrl, request.source]);
    let pending = known.get(key);
    if (pending === undefined) {
      pending = lookup(request);
      known.set(key, pending);
    }
    return pending;
  };
}

function refKey(application: ApplicationRef): string {
  return `${application.namespace}/${application.name}`;
}

function anySignal(...signals: (AbortSignal | undefined)[]): AbortSignal {
  return AbortSignal.any(signals.filter((signal): signal is AbortSignal => signal !== undefined));
}

/** Forgets what a deferred application's check found: the next cycle checks it from the start. */
function deferPlan(plan: ApplicationPlan): void {
  plan.deferred = true;
  plan.images.length = 0;
  plan.changes.length = 0;
  plan.errors = 0;
  delete plan.error;
}

/** The webhook hints of a run, and the per-cycle memo of their listings; nothing without hints. */
function withTagHints(run: RunOptions): Pick<ImageCheckContext, "tagHints" | "hintedListings"> {
  const tagHints = tagHintsOf(run.images);
  return tagHints === undefined ? {} : { tagHints, hintedListings: new Map() };
}

/** Runs one cycle. Never throws: failures are events and counters. */
export async function runCycle(base: CycleContext, run: RunOptions = {}): Promise<CycleResult> {
  const context: CycleContext = { ...base, gitCredentials: memoizeCredentials(base.options.gitCredentials) };
  const { options, emitter, runId } = context;
  const startedAt = new Date();
  const started = Date.now();
  const finish = (plans: readonly ApplicationPlan[], commits: CycleResult["commits"], extraErrors = 0): CycleResult => {
    const images = plans.flatMap((plan) => plan.images);
    const updated = plans
      .filter((plan) => plan.writeBack === "committed" || plan.writeBack === "argocd" || plan.writeBack === "dry-run")
      .reduce((count, plan) => count + plan.images.filter((image) => image.outcome === "updated").length, 0);
    const result: CycleResult = {
      runId,
      startedAt,
      durationMs: Date.now() - started,
      applications: plans.length,
      imagesConsidered: images.filter((image) => image.outcome !== "skipped").length,
      imagesSkipped: images.filter((image) => image.outcome === "skipped" || image.outcome === "no-candidate").length,
      imagesUpdated: updated,
      errors: plans.reduce((count, plan) => count + plan.errors, 0) + extraErrors,
      results: plans.map((plan) => ({
        application: refOf(plan.application),
        images: plan.images,
        writeBack: plan.writeBack,
        ...(plan.commit === undefined ? {} : { commit: plan.commit }),
        ...(plan.pullRequest === undefined ? {} : { pullRequest: plan.pullRequest }),
        ...(plan.error === undefined ? {} : { error: plan.error }),
      })),
      commits,
      deferred: plans.filter((plan) => plan.deferred).map((plan) => refOf(plan.application)),
    };
    const { results: _results, commits: _commits, startedAt: _startedAt, deferred: _deferred, ...counters } = result;
    emitter.emit("cycle:finished", counters);
    return result;
  };

  let applications: readonly Application[];
  try {
    applications = await options.source.list(options.signal === undefined ? {} : { signal: options.signal });
  } catch (error) {
    const typed = asError(error, "SOURCE_UNAVAILABLE");
    emitter.emit("cycle:started", { runId, applications: 0, trigger: context.trigger });
    emitter.emit("application:failed", {
      runId,
      application: { namespace: "", name: "" },
      error:
        typed instanceof SourceError ? typed : new SourceError("SOURCE_UNAVAILABLE", typed.message, { cause: typed }),
    });
    return finish([], [], 1);
  }

  const first = context.first ?? new Set<string>();
  const candidates = configure(options, applications.filter(options.filter))
    .filter(({ application, result }) => inScope(run, application, result.config))
    .sort((a, b) => Number(first.has(refKey(b.application))) - Number(first.has(refKey(a.application))));
  emitter.emit("cycle:started", { runId, applications: candidates.length, trigger: context.trigger });
  for (const client of options.policyClients()) client.beginCycle();

  const plans: ApplicationPlan[] = [];
  for (const { application, result } of candidates) {
    const plan: ApplicationPlan = {
      application,
      config: result.config,
      images: [],
      changes: [],
      errors: 0,
      writeBack: "none",
    };
    plans.push(plan);
    for (const diagnostic of result.diagnostics) {
      emitter.emit("config:diagnostic", { runId, application: refOf(application), ...diagnostic });
    }
    if (!result.config.updatable) {
      const messages = result.diagnostics.filter((d) => d.severity === "error").map((d) => `${d.key}: ${d.message}`);
      const error = new ImageUpdaterError(
        "CONFIG_INVALID",
        messages.join("; ") || "the application names no image to update",
      );
      plan.errors++;
      plan.error = error.message;
      emitter.emit("application:failed", { runId, application: refOf(application), error });
    }
  }

  // The budget bounds the checks only: changes already decided are still written.
  const budget = options.cycleBudgetMs > 0 ? AbortSignal.timeout(options.cycleBudgetMs) : undefined;
  const checkSignal = budget === undefined ? options.signal : anySignal(options.signal, budget);
  const imageContext: ImageCheckContext = {
    registryFor: options.registryFor,
    endpoints: options.endpoints,
    strategies: options.strategies,
    defaultPlatforms: options.defaultPlatforms,
    signal: checkSignal,
    ...withTagHints(run),
  };
  const views = options.git === undefined ? undefined : createBranchViews(options.git, options.signal);
  const limit = pLimit(options.maxConcurrency);
  await Promise.all(
    plans
      .filter((plan) => plan.config.updatable)
      .map((plan) =>
        limit(async () => {
          // Aborted (stop, dispose, the run's signal): what was not started is not started.
          if (options.signal?.aborted) return;
          if (budget?.aborted) return deferPlan(plan);
          await checkApplication(context, plan, imageContext, views, imagesInScope(run, plan.application, plan.config));
          if (budget?.aborted && !options.signal?.aborted && plan.aborted) deferPlan(plan);
        }),
      ),
  );
  const deferred = plans.filter((plan) => plan.deferred);
  if (deferred.length > 0) {
    emitter.emit("cycle:deferred", {
      runId,
      applications: deferred.map((plan) => refOf(plan.application)),
      budgetMs: options.cycleBudgetMs,
    });
  }

  // Nothing is written after an abort: a write either completes before it or never begins.
  if (options.signal?.aborted) return finish(plans, []);
  const withChanges = plans.filter((plan) => plan.changes.length > 0);
  const dryRun = withChanges.filter((plan) => options.dryRun || plan.config.writeBack.method === "git:noop");
  for (const plan of dryRun) {
    markWritten(plan, "dry-run");
    emitter.emit("writeback:skipped", {
      runId,
      reason: options.dryRun ? "dry-run" : "noop",
      applications: [refOf(plan.application)],
      changes: plan.changes.length,
    });
  }
  const notWritten = new Set(dryRun);
  const writable = withChanges.filter((plan) => !notWritten.has(plan));
  await writeArgocd(
    context,
    writable.filter((plan) => plan.config.writeBack.method === "argocd"),
  );
  const commits = await writeGit(
    context,
    writable.filter((plan) => plan.config.writeBack.method === "git"),
    views,
  );
  return finish(plans, commits);
}
