import { describe, expect, it } from "vitest";
import { parseApplicationAnnotations } from "../src/config/annotations.js";
import { checkImage, type ImageCheckContext } from "../src/engine/check-image.js";
import { editManifests, findLiveImage, type LiveImage, type RegistryClient } from "../src/index.js";

const P = "argocd-image-updater.argoproj.io";

/** A registry double that knows tag lists only (semver needs nothing else); it records what was listed. */
function tagListRegistry(tags: Record<string, readonly string[]>, listed: string[]): RegistryClient {
  return {
    id: "tag-list-double",
    capabilities: { createdAt: false, platforms: false, labels: false },
    async listTags(repo) {
      listed.push(`${repo.registry}/${repo.repository}`);
      return tags[`${repo.registry}/${repo.repository}`] ?? [];
    },
    async getDigest() {
      return null;
    },
    async getMetadata() {
      return null;
    },
  };
}

function context(registry: RegistryClient): ImageCheckContext {
  return {
    registryFor: () => registry,
    endpoints: [],
    strategies: undefined,
    defaultPlatforms: [],
    signal: undefined,
  };
}

const [foo] = parseApplicationAnnotations({ [`${P}/image-list`]: "foo=gcr.io/org/foo" }).config.images;
const hub: LiveImage = { registry: "docker.io", repository: "org/foo", tag: "1.0.1" };

describe("a change of registry is an update", () => {
  it("findLiveImage finds the image on another registry only when asked and when no entry names it", () => {
    expect(findLiveImage("gcr.io/org/foo", [hub])).toBeUndefined();
    expect(findLiveImage("gcr.io/org/foo", [hub], { acrossRegistries: true })).toBe(hub);
    const exact: LiveImage = { registry: "gcr.io", repository: "org/foo", tag: "0.9.0" };
    expect(findLiveImage("gcr.io/org/foo", [hub, exact], { acrossRegistries: true })).toBe(exact);
  });

  it("an image running from Docker Hub at the newest gcr.io tag is rewritten to gcr.io", async () => {
    const listed: string[] = [];
    const registry = tagListRegistry({ "gcr.io/org/foo": ["1.0.0", "1.0.1"] }, listed);

    const check = await checkImage(context(registry), foo!, [hub], []);

    expect(listed).toEqual(["gcr.io/org/foo"]);
    expect(check.result).toMatchObject({ outcome: "updated", oldTag: "1.0.1", newTag: "1.0.1" });
    expect(check.change).toMatchObject({ image: "gcr.io/org/foo", currentImage: "org/foo", newTag: "1.0.1" });
  });

  it("the same image on the configured registry stays up to date", async () => {
    const registry = tagListRegistry({ "gcr.io/org/foo": ["1.0.0", "1.0.1"] }, []);

    const check = await checkImage(context(registry), foo!, [{ ...hub, registry: "gcr.io" }], []);

    expect(check.result.outcome).toBe("up-to-date");
  });

  it("the manifests editor finds the image under its running name and writes the configured one", () => {
    const text = "kind: Pod\nspec:\n  containers:\n    - name: foo\n      image: org/foo:1.0.1 # pinned\n";

    const result = editManifests(text, [{ image: "gcr.io/org/foo", currentImage: "org/foo", newTag: "1.0.1" }]);

    expect(result.text).toBe(text.replace("org/foo:1.0.1", "gcr.io/org/foo:1.0.1"));
  });
});
