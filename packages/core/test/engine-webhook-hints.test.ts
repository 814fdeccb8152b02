import { describe, expect, it } from "vitest";
import {
  type Application,
  type ApplicationSource,
  createUpdater,
  type ImageRepository,
  type RegistryClient,
  RegistryError,
} from "../src/index.js";

const PREFIX = "argocd-image-updater.argoproj.io";

function app(name: string, imageList: string, running: readonly string[]): Application {
  return {
    namespace: "argocd",
    name,
    labels: {},
    annotations: { [`${PREFIX}/image-list`]: imageList },
    spec: { source: { repoURL: "https://git.example/repo.git", path: name, kustomize: {} } },
    status: { summary: { images: [...running] } },
  };
}

/**
 * A registry double with no I/O that links a pushed tag only after `linkAfter` listings of its repository,
 * as CNCF Distribution does after sending the notification. Records every listing.
 */
function linkingRegistry(
  tags: Record<string, readonly string[]>,
  pushed: { repo: string; tag: string; linkAfter: number },
) {
  const calls: string[] = [];
  const client: RegistryClient = {
    id: "linking",
    capabilities: { createdAt: false, platforms: false, labels: false },
    async listTags(repo: ImageRepository) {
      const name = `${repo.registry}/${repo.repository}`;
      calls.push(name);
      const found = tags[name];
      if (found === undefined)
        throw new RegistryError("REGISTRY_NOT_FOUND", "no such repository", { registry: repo.registry });
      const listed = calls.filter((call) => call === name).length;
      return name === pushed.repo && listed > pushed.linkAfter ? [...found, pushed.tag] : found;
    },
    async getDigest() {
      return null;
    },
    async getMetadata() {
      return null;
    },
  };
  return { client, calls };
}

function source(applications: Application[]): ApplicationSource {
  return { id: "memory", list: async () => applications };
}

/** A dry-run engine over `applications`, recording each decided tag as `application tag`. */
function updaterOver(applications: Application[], registry: RegistryClient) {
  const updater = createUpdater({ source: source(applications), registry, dryRun: true });
  const decided: string[] = [];
  updater.on("image:updating", (event) => decided.push(`${event.application.name} ${event.newTag}`));
  return { updater, decided };
}

describe("webhook triggers with a tag hint", () => {
  it("lists again when the hinted tag is not linked yet, and decides with it", async () => {
    const registry = linkingRegistry(
      { "reg.test/team/app": ["1.0.0"] },
      { repo: "reg.test/team/app", tag: "1.1.0", linkAfter: 1 },
    );
    const { updater, decided } = updaterOver(
      [app("a", "app=reg.test/team/app", ["reg.test/team/app:1.0.0"])],
      registry.client,
    );
    await updater.trigger({ image: "reg.test/team/app", tagHint: "1.1.0" });
    expect(decided).toEqual(["a 1.1.0"]);
    expect(registry.calls).toEqual(["reg.test/team/app", "reg.test/team/app"]);
    await updater.dispose();
  });

  it("two applications watching the repository share the listing and its look-agains", async () => {
    const registry = linkingRegistry(
      { "reg.test/team/app": ["1.0.0"] },
      { repo: "reg.test/team/app", tag: "1.1.0", linkAfter: 1 },
    );
    const { updater, decided } = updaterOver(
      [
        app("a", "app=reg.test/team/app", ["reg.test/team/app:1.0.0"]),
        app("b", "app=reg.test/team/app", ["reg.test/team/app:1.0.0"]),
      ],
      registry.client,
    );
    await updater.trigger({ image: "reg.test/team/app", tagHint: "1.1.0" });
    expect(decided.sort()).toEqual(["a 1.1.0", "b 1.1.0"]);
    expect(registry.calls).toHaveLength(2);
    await updater.dispose();
  });

  it("writes nothing for a hinted tag the registry never lists, after a bounded number of listings", async () => {
    const registry = linkingRegistry(
      { "reg.test/team/app": ["1.0.0"] },
      { repo: "reg.test/team/app", tag: "9.9.9", linkAfter: Number.POSITIVE_INFINITY },
    );
    const { updater, decided } = updaterOver(
      [app("a", "app=reg.test/team/app", ["reg.test/team/app:1.0.0"])],
      registry.client,
    );
    await updater.trigger({ image: "reg.test/team/app", tagHint: "9.9.9" });
    expect(decided).toEqual([]);
    expect(registry.calls).toHaveLength(7);
    await updater.dispose();
  });

  it("lists once without a hint", async () => {
    const registry = linkingRegistry(
      { "reg.test/team/app": ["1.0.0"] },
      { repo: "reg.test/team/app", tag: "1.1.0", linkAfter: Number.POSITIVE_INFINITY },
    );
    const { updater } = updaterOver([app("a", "app=reg.test/team/app", ["reg.test/team/app:1.0.0"])], registry.client);
    await updater.trigger({ image: "reg.test/team/app" });
    expect(registry.calls).toHaveLength(1);
    await updater.dispose();
  });

  it("checks only the pushed image of an application that watches several", async () => {
    const registry = linkingRegistry(
      { "reg.test/team/app": ["1.0.0", "1.1.0"], "reg.test/team/sidecar": ["3.0.0"] },
      { repo: "reg.test/team/app", tag: "1.1.0", linkAfter: 0 },
    );
    const { updater } = updaterOver(
      [
        app("a", "app=reg.test/team/app,side=reg.test/team/sidecar", [
          "reg.test/team/app:1.0.0",
          "reg.test/team/sidecar:2.0.0",
        ]),
      ],
      registry.client,
    );
    await updater.trigger({ image: "reg.test/team/app", tagHint: "1.1.0" });
    expect(registry.calls).toEqual(["reg.test/team/app"]);
    await updater.runOnce();
    expect(registry.calls.sort()).toEqual(["reg.test/team/app", "reg.test/team/app", "reg.test/team/sidecar"]);
    await updater.dispose();
  });
});
