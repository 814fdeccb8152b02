import { describe, expect, it } from "vitest";
import { parseApplicationAnnotations } from "../src/config/annotations.js";
import { watchedImage } from "../src/engine/check-image.js";
import { type ImageChange, planWriteBack, readCurrentImages } from "../src/index.js";
import { apply, fixture, repository } from "./editors-fixtures.js";

const P = "argocd-image-updater.argoproj.io";
const APP = { namespace: "argocd", name: "podinfo" };
const DIGEST = `sha256:${"b".repeat(64)}`;

function configOf(annotations: Record<string, string>) {
  return parseApplicationAnnotations(annotations, { application: APP });
}

describe("<alias>.flux-policy ties an image to the setter markers of its ImagePolicy", () => {
  it("is read per image and reaches the change the editors get", () => {
    const { config, diagnostics } = configOf({
      [`${P}/image-list`]: "app=index.repo.fake/updated, other=ghcr.io/org/other",
      [`${P}/app.flux-policy`]: " automation-ns:policy ",
    });

    expect(diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(config.images.map((image) => image.fluxPolicy)).toEqual(["automation-ns:policy", undefined]);
    expect(config.images.map((image) => watchedImage(image).imagePolicy)).toEqual(["automation-ns:policy", undefined]);
  });

  it.each(["policy", "ns:policy:tag", "NS:policy", "ns:", ":policy", "__proto__"])(
    "`%s` is an error naming the key, and no policy",
    (value) => {
      const { config, diagnostics } = configOf({
        [`${P}/image-list`]: "app=index.repo.fake/updated",
        [`${P}/app.flux-policy`]: value,
      });

      expect(config.images[0]?.fluxPolicy).toBeUndefined();
      expect(diagnostics).toContainEqual(
        expect.objectContaining({
          severity: "error",
          key: `${P}/app.flux-policy`,
          message: expect.stringContaining("`<namespace>:<name>`"),
        }),
      );
    },
  );

  it("the flux target reads the running tag from its markers and writes `:name`, `:tag`, `:digest` and full markers byte for byte", async () => {
    const kustomization = fixture("flux", "policy-kustomization");
    const cronjob = fixture("flux", "policy-cronjob");
    const files = repository({
      "clusters/kustomization.yaml": kustomization.before,
      "clusters/cronjob.yaml": cronjob.before,
      "clusters/unmarked.yaml": "kind: ConfigMap\ndata:\n  image: image:v1.0.0\n",
    });
    const { config } = configOf({
      [`${P}/image-list`]: "app=index.repo.fake/updated",
      [`${P}/app.flux-policy`]: "automation-ns:policy",
    });
    const image = watchedImage(config.images[0] as (typeof config.images)[number]);

    const current = await readCurrentImages({ files, application: APP, target: "flux:/clusters", images: [image] });
    const change: ImageChange = { ...image, oldTag: "v1", newTag: "v1.0.1", newDigest: DIGEST };
    const plan = await planWriteBack({ files, application: APP, target: "flux:/clusters", changes: [change] });

    expect(current.images.get("app")).toMatchObject({ path: "clusters/cronjob.yaml", tag: "v1.0.0" });
    expect(plan.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(plan.changes.map((c) => c.path).sort()).toEqual(["clusters/cronjob.yaml", "clusters/kustomization.yaml"]);
    const byPath = new Map(plan.changes.map((c) => [c.path, c]));
    expect(apply(byPath.get("clusters/kustomization.yaml"), kustomization.before)).toBe(kustomization.after);
    expect(apply(byPath.get("clusters/cronjob.yaml"), cronjob.before)).toBe(cronjob.after);
  });
});
