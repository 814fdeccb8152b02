/**
 * Conformance suite for {@link PullRequestProvider}s (GitHub, GitLab, Gitea, a webhook, memory). The harness
 * points a provider at a backend (an API double keeping the host's semantics, memory) and reports the pull
 * requests the backend holds; the suite checks that a provider opens one, updates it, and never duplicates it.
 */
import type { GitRepository, PullRequestProvider, PullRequestRequest } from "@image-updater/core";
import { expect } from "vitest";
import { describeFixtureCases, type SuiteOptions } from "../cases.js";

/** An open pull request as the backend holds it. */
export interface BackendPull {
  readonly number: number;
  readonly head: string;
  readonly base: string;
  readonly title: string;
  readonly body: string;
  readonly labels: readonly string[];
}

/** A provider under test and the backend operations the suite inspects and drives it with. */
export interface PullRequestFixture {
  readonly provider: PullRequestProvider;
  /** The repository the pull requests are for. */
  readonly repository: GitRepository;
  /** Open pull requests the backend holds now, oldest first. */
  openPulls(): Promise<readonly BackendPull[]>;
  /** Closes pull request `number` (a reviewer merged it). Absent: opt out of the reopen case. */
  close?(number: number): Promise<void>;
  /** Makes the backend refuse labels (a token without the scope). Absent: opt out of the label case. */
  refuseLabels?(): Promise<void>;
}

/** How a provider family plugs into the suite. */
export interface PullRequestHarness {
  /** A fresh provider over an empty backend. Called once per test. */
  create(): Promise<PullRequestFixture>;
  /** Stops servers. Called after each test. */
  cleanup?(): Promise<void>;
}

function request(fixture: PullRequestFixture, overrides: Partial<PullRequestRequest> = {}): PullRequestRequest {
  return {
    repository: fixture.repository,
    head: "image-update/app-1.2.3",
    base: "main",
    title: "build: automatic update of app",
    body: "updates image app tag '1.2.2' to '1.2.3'",
    labels: ["image-update"],
    ...overrides,
  };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this case needs ${what}(); opt out of it with a reason instead`);
  return value;
}

const CASES = {
  "openOrUpdate() opens a pull request from head into base with the title, body and labels": async (
    fixture: PullRequestFixture,
  ) => {
    const result = await fixture.provider.openOrUpdate(request(fixture));

    expect(result).toMatchObject({ created: true });
    expect(result.url).not.toBe("");
    expect(result.warnings).toBeUndefined();
    const pulls = await fixture.openPulls();
    expect(pulls).toHaveLength(1);
    expect(pulls[0]).toMatchObject({
      number: result.number,
      head: "image-update/app-1.2.3",
      base: "main",
      title: "build: automatic update of app",
      body: "updates image app tag '1.2.2' to '1.2.3'",
    });
    expect(pulls[0]?.labels).toContain("image-update");
  },

  "openOrUpdate() updates the open pull request for the same head instead of opening a second one": async (
    fixture: PullRequestFixture,
  ) => {
    const first = await fixture.provider.openOrUpdate(request(fixture));

    const second = await fixture.provider.openOrUpdate(
      request(fixture, { title: "build: automatic update of app (2)", body: "now 1.2.4" }),
    );

    expect(second).toMatchObject({ created: false, number: first.number });
    const pulls = await fixture.openPulls();
    expect(pulls.map(({ number, title, body }) => ({ number, title, body }))).toEqual([
      { number: first.number, title: "build: automatic update of app (2)", body: "now 1.2.4" },
    ]);
  },

  "openOrUpdate() opens a separate pull request for another head": async (fixture: PullRequestFixture) => {
    const first = await fixture.provider.openOrUpdate(request(fixture));

    const other = await fixture.provider.openOrUpdate(request(fixture, { head: "image-update/app-2.0.0" }));

    expect(other.created).toBe(true);
    expect(other.number).not.toBe(first.number);
    expect((await fixture.openPulls()).map((pull) => pull.head)).toEqual([
      "image-update/app-1.2.3",
      "image-update/app-2.0.0",
    ]);
  },

  "openOrUpdate() opens a new pull request once the previous one for that head was closed": async (
    fixture: PullRequestFixture,
  ) => {
    const first = await fixture.provider.openOrUpdate(request(fixture));
    await need(fixture.close, "close")(first.number);

    const again = await fixture.provider.openOrUpdate(request(fixture));

    expect(again.created).toBe(true);
    expect(again.number).not.toBe(first.number);
    expect((await fixture.openPulls()).map((pull) => pull.number)).toEqual([again.number]);
  },

  "openOrUpdate() reports labels it could not set as a warning, and the pull request is still open": async (
    fixture: PullRequestFixture,
  ) => {
    await need(fixture.refuseLabels, "refuseLabels")();

    const result = await fixture.provider.openOrUpdate(request(fixture));

    expect(result.created).toBe(true);
    expect(result.warnings?.length).toBeGreaterThan(0);
    expect((await fixture.openPulls()).map((pull) => pull.number)).toEqual([result.number]);
  },

  "openOrUpdate() rejects ABORTED when its signal is already aborted, and opens nothing": async (
    fixture: PullRequestFixture,
  ) => {
    const controller = new AbortController();
    controller.abort();

    await expect(fixture.provider.openOrUpdate(request(fixture), { signal: controller.signal })).rejects.toMatchObject({
      code: "ABORTED",
    });
    expect(await fixture.openPulls()).toEqual([]);
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type PullRequestCase = keyof typeof CASES;

/** Options of {@link describePullRequestProviderConformance}: opt-outs by case name with a reason, and a per-case timeout (default 30 s). */
export type PullRequestConformanceOptions = SuiteOptions<PullRequestCase>;

export function describePullRequestProviderConformance(
  name: string,
  harness: PullRequestHarness,
  options: PullRequestConformanceOptions = {},
): void {
  describeFixtureCases(
    `${name}: PullRequestProvider conformance`,
    CASES as Record<PullRequestCase, (fixture: PullRequestFixture) => Promise<void>>,
    { ...options, timeoutMs: options.timeoutMs ?? 30_000 },
    { create: () => harness.create(), cleanup: async () => harness.cleanup?.() },
  );
}
