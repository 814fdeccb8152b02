/**
 * Conformance suite for {@link ApplicationSource}s (a Kubernetes API, a directory of manifests, memory). The
 * harness stores the seed's Applications in its backend however it keeps them (objects in an API server,
 * manifest files) and changes them on request; the suite reads them back through the source.
 */
import type { Application, ApplicationEvent, ApplicationRef, ApplicationSource } from "@image-updater/core";
import { expect } from "vitest";
import { describeFixtureCases, eventually, type SuiteOptions } from "../cases.js";

const PREFIX = "argocd-image-updater.argoproj.io";

/** The Applications every source is tested with: a Kustomize app, a Helm app with parameters, a multi-source app. */
export const APPLICATION_SEED: readonly Application[] = [
  {
    namespace: "argocd",
    name: "web-staging",
    labels: { team: "web", env: "staging" },
    annotations: {
      [`${PREFIX}/image-list`]: "web=docker.io/org/web",
      [`${PREFIX}/web.update-strategy`]: "semver",
    },
    spec: {
      project: "default",
      source: { repoURL: "https://git.example.test/org/deploy.git", path: "web/staging", targetRevision: "main" },
    },
  },
  {
    namespace: "argocd",
    name: "api",
    labels: {},
    annotations: { [`${PREFIX}/image-list`]: "api=ghcr.io/org/api" },
    spec: {
      source: {
        repoURL: "https://git.example.test/org/charts.git",
        path: "charts/api",
        targetRevision: "HEAD",
        helm: { parameters: [{ name: "image.tag", value: "1.0.0" }], valueFiles: ["values.yaml"] },
      },
    },
  },
  {
    namespace: "apps",
    name: "multi",
    labels: { team: "platform" },
    annotations: { [`${PREFIX}/image-list`]: "app=docker.io/org/multi" },
    spec: {
      sources: [
        { repoURL: "https://charts.example.test", chart: "multi", targetRevision: "1.2.3" },
        { repoURL: "https://git.example.test/org/values.git", path: "values", targetRevision: "main" },
      ],
    },
  },
];

/** A source under test and the backend operations the suite drives it with. */
export interface ApplicationSourceFixture {
  readonly source: ApplicationSource;
  /** Stores `application` (new or changed) in the backend. Absent: opt out of the change cases. */
  upsert?(application: Application): Promise<void>;
  /** Removes an Application from the backend. Absent: opt out of the delete cases. */
  remove?(ref: ApplicationRef): Promise<void>;
  /** Makes the backend unreadable (API down, folder gone). Absent: opt out of the unavailable case. */
  makeUnavailable?(): Promise<void>;
}

/** How a source family plugs into the suite. */
export interface ApplicationSourceHarness {
  /** A fresh source whose backend holds exactly `applications`. Called once per test. */
  create(applications: readonly Application[]): Promise<ApplicationSourceFixture>;
  /** Stops servers, removes temp dirs. Called after each test. */
  cleanup?(): Promise<void>;
  /**
   * How long a watch needs after its first `next()` before it sees changes (a directory watcher's baseline,
   * an API watch's initial list). @default 0
   */
  readonly watchSettleMs?: number;
}

interface Context {
  readonly fixture: ApplicationSourceFixture;
  readonly harness: ApplicationSourceHarness;
}

const byName = (apps: readonly Application[]) => [...apps].sort((a, b) => a.name.localeCompare(b.name));
const WEB = APPLICATION_SEED[0] as Application;

/** The parts of an Application a source must carry; sources may add `status` or `resourceVersion`. */
function essentials(application: Application) {
  const { namespace, name, labels, annotations, spec } = application;
  return { namespace, name, labels, annotations, spec };
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`this case needs ${what}(); opt out of it with a reason instead`);
  return value;
}

/** Opens a watch, waits for it to settle, and collects its events until `stop()`. */
async function openWatch(context: Context) {
  const watch = need(context.fixture.source.watch, "watch")?.bind(context.fixture.source);
  const controller = new AbortController();
  const events: ApplicationEvent[] = [];
  const iterator = watch({ signal: controller.signal })[Symbol.asyncIterator]();
  const done = (async () => {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) events.push(next.value);
  })();
  await new Promise((resolve) => setTimeout(resolve, context.harness.watchSettleMs ?? 0));
  return {
    events,
    done,
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const CASES = {
  "list() returns every Application with namespace, name, labels, annotations and spec": async ({
    fixture,
  }: Context) => {
    const listed = await fixture.source.list();

    expect(byName(listed).map(essentials)).toEqual(byName(APPLICATION_SEED).map(essentials));
  },

  "list() keeps every source of a multi-source Application, in order": async ({ fixture }: Context) => {
    const listed = await fixture.source.list();

    const multi = listed.find((app) => app.name === "multi");
    expect(multi?.spec.sources?.map((source) => source.repoURL)).toEqual([
      "https://charts.example.test",
      "https://git.example.test/org/values.git",
    ]);
    expect(multi?.spec.source).toBeUndefined();
  },

  "list() shows a changed and a removed Application on the next call": async ({ fixture }: Context) => {
    const changed = { ...WEB, annotations: { ...WEB.annotations, [`${PREFIX}/web.allow-tags`]: "regexp:^1\\." } };
    await need(fixture.upsert, "upsert")(changed);
    await need(fixture.remove, "remove")({ namespace: "argocd", name: "api" });

    const listed = await fixture.source.list();

    expect(listed.map((app) => app.name).sort()).toEqual(["multi", "web-staging"]);
    expect(listed.find((app) => app.name === "web-staging")?.annotations).toEqual(changed.annotations);
  },

  "watch() yields an upsert for a change and a delete for a removal, in order": async (context: Context) => {
    const watch = await openWatch(context);
    const changed = { ...WEB, labels: { ...WEB.labels, tier: "front" } };

    await need(context.fixture.upsert, "upsert")(changed);
    await eventually("the upsert", () => watch.events.some((event) => event.type === "upsert"));
    await need(context.fixture.remove, "remove")({ namespace: "argocd", name: "web-staging" });
    await eventually("the delete", () => watch.events.some((event) => event.type === "delete"));
    await watch.stop();

    const upsert = watch.events.find((event) => event.type === "upsert");
    expect(upsert?.type === "upsert" && essentials(upsert.application)).toEqual(essentials(changed));
    const kinds = watch.events.map((event) => event.type);
    expect(kinds.lastIndexOf("upsert")).toBeLessThan(kinds.indexOf("delete"));
    expect(watch.events.find((event) => event.type === "delete")).toEqual({
      type: "delete",
      ref: { namespace: "argocd", name: "web-staging" },
    });
  },

  "watch() ends when its signal aborts": async (context: Context) => {
    const watch = await openWatch(context);

    await watch.stop();

    await expect(watch.done).resolves.toBeUndefined();
  },

  "list() rejects ABORTED when its signal is already aborted": async ({ fixture }: Context) => {
    const controller = new AbortController();
    controller.abort();

    await expect(fixture.source.list({ signal: controller.signal })).rejects.toMatchObject({ code: "ABORTED" });
  },

  "list() rejects SOURCE_UNAVAILABLE when the backend cannot be read": async ({ fixture }: Context) => {
    await need(fixture.makeUnavailable, "makeUnavailable")();

    await expect(fixture.source.list()).rejects.toMatchObject({ code: "SOURCE_UNAVAILABLE" });
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type ApplicationSourceCase = keyof typeof CASES;

/**
 * Options of {@link describeApplicationSourceConformance}: opt-outs by case name with a reason, and a per-case
 * timeout (default 30 s).
 */
export type ApplicationSourceConformanceOptions = SuiteOptions<ApplicationSourceCase>;

export function describeApplicationSourceConformance(
  name: string,
  harness: ApplicationSourceHarness,
  options: ApplicationSourceConformanceOptions = {},
): void {
  describeFixtureCases(
    `${name}: ApplicationSource conformance`,
    CASES as Record<ApplicationSourceCase, (context: Context) => Promise<void>>,
    { ...options, timeoutMs: options.timeoutMs ?? 30_000 },
    {
      create: async () => ({ fixture: await harness.create(APPLICATION_SEED), harness }),
      cleanup: async () => harness.cleanup?.(),
    },
  );
}
