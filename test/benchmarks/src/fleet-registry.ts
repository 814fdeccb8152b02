/**
 * The `fleet` bench's registry, run as a child process so that the bench measures the updater's CPU and RSS
 * alone. Started by `startFleetRegistry`; the child builds the scripted fixture, answers `{ url, host }` over
 * IPC, and stops when the parent sends "stop" or goes away.
 */
import { type ImageSpec, startScriptedRegistry } from "@image-updater/bench";
import { benchScriptArgument, forkBenchScript } from "./bench-child.js";

/** The fleet fixture: how many repositories, and which of them hold a long tag list. */
export interface FleetRegistryShape {
  readonly repositories: number;
  /** The first `longRepositories` repositories hold `longTags` tags, the others `tags`. */
  readonly longRepositories: number;
  readonly longTags: number;
  readonly tags: number;
}

/** A running fleet registry in its own process. */
export interface FleetRegistry {
  readonly url: string;
  readonly host: string;
  /** Repository names, in fixture order. */
  readonly repositories: readonly string[];
  stop(): Promise<void>;
}

interface ReadyMessage {
  readonly url: string;
  readonly host: string;
}

/** `fleet/image-<i>` for every repository of the shape. */
export function fleetRepositoryNames(shape: FleetRegistryShape): string[] {
  return Array.from({ length: shape.repositories }, (_, i) => `fleet/image-${i}`);
}

/** Semver tags `<i / 100>.<i % 100>.0`, one image each, created a minute apart. */
function fleetTags(count: number): ImageSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    tags: [`${Math.floor(i / 100)}.${i % 100}.0`],
    created: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  }));
}

/** Forks the registry process and waits until it listens. */
export async function startFleetRegistry(shape: FleetRegistryShape): Promise<FleetRegistry> {
  const { child, first: ready, exited } = await forkBenchScript<ReadyMessage>(import.meta.url, shape);
  return {
    url: ready.url,
    host: ready.host,
    repositories: fleetRepositoryNames(shape),
    async stop() {
      if (child.exitCode === null && child.connected) child.send("stop");
      await exited;
    },
  };
}

async function serve(shape: FleetRegistryShape): Promise<void> {
  const names = fleetRepositoryNames(shape);
  const registry = await startScriptedRegistry({
    repositories: Object.fromEntries(
      names.map((name, i) => [name, fleetTags(i < shape.longRepositories ? shape.longTags : shape.tags)]),
    ),
  });
  const stop = () => {
    process.off("message", stop);
    process.off("disconnect", stop);
    void registry.stop().then(() => process.exit(0));
  };
  process.on("message", stop);
  process.on("disconnect", stop);
  process.send?.({ url: registry.url, host: registry.host } satisfies ReadyMessage);
}

const shape = benchScriptArgument<FleetRegistryShape>(import.meta.url);
if (shape !== undefined) await serve(shape);
