/**
 * The engine's behaviour suite: core's `Updater` run over one set of adapters (a registry client, a git
 * writer, optionally an application source), each brought by the harness its family suite already uses.
 * It shows that the adapters compose: one commit per repository, no lost commit on a push race, one failing
 * application never stops the others, and an abort pushes nothing.
 */
import {
  type Application,
  type ApplicationSource,
  createUpdater,
  type GitWriter,
  type Updater,
} from "@image-updater/core";
import { expect } from "vitest";
import { describeCases, type Skips } from "../cases.js";
import type { GitWriterHarness } from "../git/git-writer.js";
import type { GitRemoteFixture } from "../git/remote.js";
import type { RegistryFixture, RegistryHarness, RegistrySeed } from "../registry/registry-client.js";
import type { ApplicationSourceHarness } from "../source/application-source.js";

const PREFIX = "argocd-image-updater.argoproj.io";

/** What the registry holds for the engine cases: two repositories, each with `1.0.0` and a newer `1.1.0`. */
export const ENGINE_SEED: RegistrySeed = {
  "engine/app": [
    { tags: ["1.0.0"], created: "2024-01-01T00:00:00Z" },
    { tags: ["1.1.0"], created: "2024-02-01T00:00:00Z" },
  ],
  "engine/other": [
    { tags: ["1.0.0"], created: "2024-01-01T00:00:00Z", layerSeed: "other" },
    { tags: ["1.1.0"], created: "2024-02-01T00:00:00Z", layerSeed: "other" },
  ],
};

/** The adapter set: the same harnesses the family suites take. */
export interface EngineBehaviourHarness {
  readonly registry: RegistryHarness;
  readonly git: GitWriterHarness;
  /** Where Applications come from. Absent: a plain list. */
  readonly source?: ApplicationSourceHarness;
}

interface State {
  readonly registry: RegistryFixture;
  readonly remote: GitRemoteFixture;
  readonly writer: GitWriter;
  /** Runs between the writer's build and push (see the git harness's `beforePush`). */
  beforePush: (() => Promise<void>) | undefined;
  /** An updater over `applications`, disposed after the case. */
  updater(applications: readonly Application[]): Promise<Updater>;
}

function deployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image} # pinned by CI\n`;
}

function application(state: State, name: string, repository: string): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=${state.registry.registry}/${repository}`,
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    },
    spec: { source: { repoURL: state.remote.repository.url, path: `apps/${name}`, targetRevision: "main" } },
  };
}

/** Seeds one deployment per app at `1.0.0` of its repository; resolves the image names. */
async function seedApps(state: State, apps: Readonly<Record<string, string>>): Promise<Record<string, string>> {
  const images = Object.fromEntries(
    Object.entries(apps).map(([name, repository]) => [name, `${state.registry.registry}/${repository}`]),
  );
  const files = Object.fromEntries(
    Object.entries(images).map(([name, image]) => [`apps/${name}/deployment.yaml`, deployment(`${image}:1.0.0`)]),
  );
  await state.remote.commit("main", files, "seed");
  return images;
}

const CASES = {
  "two applications in one repository are written as one commit": async (state: State) => {
    const images = await seedApps(state, { a: "engine/app", b: "engine/other" });
    const updater = await state.updater([
      application(state, "a", "engine/app"),
      application(state, "b", "engine/other"),
    ]);

    const result = await updater.runOnce();

    expect(result).toMatchObject({ applications: 2, imagesUpdated: 2, errors: 0 });
    const log = await state.remote.log("main");
    expect(log.map((commit) => commit.subject).slice(1)).toEqual(["seed"]);
    expect(result.commits).toEqual([{ repoUrl: state.remote.repository.url, branch: "main", sha: log[0]?.sha }]);
    expect(await state.remote.read("main", "apps/a/deployment.yaml")).toBe(deployment(`${images.a}:1.1.0`));
    expect(await state.remote.read("main", "apps/b/deployment.yaml")).toBe(deployment(`${images.b}:1.1.0`));
  },

  "a push race during the write keeps the other client's commit under ours": async (state: State) => {
    const images = await seedApps(state, { a: "engine/app" });
    let theirs: string | undefined;
    state.beforePush = async () => {
      theirs ??= await state.remote.commit("main", { "README.md": "theirs\n" }, "docs: theirs");
    };
    const updater = await state.updater([application(state, "a", "engine/app")]);

    const result = await updater.runOnce();

    expect(result).toMatchObject({ imagesUpdated: 1, errors: 0 });
    const log = await state.remote.log("main");
    expect(log.map((commit) => commit.subject)).toEqual(["build: automatic update of a", "docs: theirs", "seed"]);
    expect(log[1]?.sha).toBe(theirs);
    expect(await state.remote.read("main", "README.md")).toBe("theirs\n");
    expect(await state.remote.read("main", "apps/a/deployment.yaml")).toBe(deployment(`${images.a}:1.1.0`));
  },

  "a second cycle with nothing new makes no commit": async (state: State) => {
    await seedApps(state, { a: "engine/app" });
    const updater = await state.updater([application(state, "a", "engine/app")]);
    await updater.runOnce();
    const tip = await state.remote.tip("main");

    const second = await updater.runOnce();

    expect(second).toMatchObject({ imagesUpdated: 0, errors: 0, commits: [] });
    expect(await state.remote.tip("main")).toBe(tip);
  },

  "an application whose image the registry does not have fails alone; the other is updated": async (state: State) => {
    const images = await seedApps(state, { a: "engine/app", b: "engine/missing" });
    const updater = await state.updater([
      application(state, "a", "engine/app"),
      application(state, "b", "engine/missing"),
    ]);

    const result = await updater.runOnce();

    expect(result).toMatchObject({ applications: 2, imagesUpdated: 1 });
    expect(result.results.find((r) => r.application.name === "b")?.images.map((i) => i.outcome)).toEqual(["error"]);
    expect(await state.remote.read("main", "apps/a/deployment.yaml")).toBe(deployment(`${images.a}:1.1.0`));
    expect(await state.remote.read("main", "apps/b/deployment.yaml")).toBe(deployment(`${images.b}:1.0.0`));
  },

  "disposing the updater while it is about to push ends the cycle and pushes nothing": async (state: State) => {
    await seedApps(state, { a: "engine/app" });
    const updater = await state.updater([application(state, "a", "engine/app")]);
    const tip = await state.remote.tip("main");
    state.beforePush = async () => {
      // Not awaited: dispose() waits for this very cycle; its abort is synchronous.
      void updater.dispose();
    };

    const result = await updater.runOnce();

    expect(result.commits).toEqual([]);
    expect(await state.remote.tip("main")).toBe(tip);
  },
} as const;

/** Names of the cases, for type-checked opt-outs. */
export type EngineBehaviourCase = keyof typeof CASES;

/** Options of {@link describeEngineBehaviour}. */
export interface EngineBehaviourOptions {
  /** Cases to skip, each with the reason shown in the output. */
  readonly skip?: Skips<EngineBehaviourCase>;
  /** Per-case timeout. @default 120000 */
  readonly timeoutMs?: number;
}

/** Registers the engine behaviour cases for the adapter set `name`. Each case gets fresh adapters. */
export function describeEngineBehaviour(
  name: string,
  harness: EngineBehaviourHarness,
  options: EngineBehaviourOptions = {},
): void {
  describeCases(
    `${name}: engine behaviour`,
    CASES as Record<EngineBehaviourCase, (state: State) => Promise<void>>,
    { ...options, timeoutMs: options.timeoutMs ?? 120_000 },
    async (runCase) => {
      const updaters: Updater[] = [];
      let registry: RegistryFixture | undefined;
      try {
        registry = await harness.registry.create(ENGINE_SEED);
        const client = registry.client;
        const remote = await harness.git.createRemote();
        const state: State = {
          registry,
          remote,
          beforePush: undefined,
          writer: await harness.git.createWriter({ beforePush: async () => state.beforePush?.(), env: {} }),
          async updater(applications) {
            const source: ApplicationSource = harness.source
              ? (await harness.source.create(applications)).source
              : { id: "list", list: async () => applications };
            const credentials = remote.repository.credentials;
            const updater = createUpdater({
              source,
              registry: client,
              git: state.writer,
              gitCredentials: async () => credentials,
            });
            updaters.push(updater);
            return updater;
          },
        };
        await runCase(state);
      } finally {
        for (const updater of updaters) await updater.dispose();
        await registry?.client.dispose?.();
        await harness.source?.cleanup?.();
        await harness.git.cleanup?.();
        await harness.registry.cleanup?.();
      }
    },
  );
}
