import { ImageUpdaterError } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { createDaemonMetrics } from "../src/metrics/metrics.js";
import { createEventSource, emitSeedCycle } from "./events-fixture.js";

function sample(text: string, name: string): string | undefined {
  return text.split("\n").find((line) => line.startsWith(name));
}

/**
 * Softly expects the exposition line of `series` to read `${series} ${value}`. An unlabelled name is looked up
 * with its trailing space so that it does not match a longer name sharing its prefix.
 */
function expectSample(text: string, series: string, value: string): void {
  expect.soft(sample(text, series.endsWith("}") ? series : `${series} `)).toBe(`${series} ${value}`);
}

describe("createDaemonMetrics()", () => {
  it("counts pushes given up on a moving branch once per commit, by repository, and no other write-back failure", async () => {
    const events = createEventSource();
    const metrics = createDaemonMetrics({ processMetrics: false });
    metrics.observe(events);
    const applications = [
      { namespace: "argocd", name: "a" },
      { namespace: "argocd", name: "b" },
    ];
    const repoUrl = "https://git.example/deploy.git";
    const failed = (code: "GIT_CONFLICT" | "GIT_AUTH") => {
      for (const application of applications) {
        events.emit("writeback:failed", {
          runId: "run-1",
          repoUrl,
          branch: "main",
          applications: [application],
          error: new ImageUpdaterError(code, "push failed"),
        });
      }
      if (code === "GIT_CONFLICT") {
        events.emit("writeback:gave-up", {
          runId: "run-1",
          repoUrl,
          branch: "main",
          applications,
          attempts: 3,
          limit: "budget",
          budgetRemaining: 0,
        });
      }
    };

    failed("GIT_CONFLICT");
    failed("GIT_AUTH");
    failed("GIT_CONFLICT");

    expectSample(await metrics.text(), `argocd_image_updater_git_push_gave_up_total{repository="${repoUrl}"}`, "2");
  });

  it("counts every reference and seed metric from the engine's events", async () => {
    const events = createEventSource();
    const metrics = createDaemonMetrics({ processMetrics: false });
    metrics.observe(events);

    emitSeedCycle(events);
    emitSeedCycle(events, "run-2");
    const text = await metrics.text();

    expectSample(text, "argocd_image_updater_applications_watched_total", "5");
    expectSample(text, "argocd_image_updater_applications_watched", "5");
    expectSample(text, 'argocd_image_updater_images_watched_total{application="argocd/myapp-staging"}', "1");
    expectSample(text, 'argocd_image_updater_images_updated_total{application="argocd/myapp-staging"}', "2");
    expectSample(text, "argocd_image_updater_images_updated", "2");
    expectSample(text, 'argocd_image_updater_images_errors_total{application="argocd/broken"}', "2");
    expectSample(text, 'argocd_image_updater_images_errors_total{application="argocd/myapp-production"}', "2");
    expectSample(text, 'argocd_image_updater_registry_requests_total{registry="docker.io"}', "2");
    expectSample(text, 'argocd_image_updater_registry_requests_failed_total{registry="ghcr.io"}', "2");
    expect
      .soft(sample(text, 'argocd_image_updater_registry_requests_failed_total{registry="docker.io"}'))
      .toBeUndefined();
    expect
      .soft(
        sample(
          text,
          'argocd_image_updater_registry_requests_by_outcome_total{registry="docker.io",method="GET",outcome="cached"}',
        ),
      )
      .toMatch(/ 2$/);
    expectSample(text, 'argocd_image_updater_registry_response_time_count{registry="docker.io"}', "2");
    expectSample(text, 'argocd_image_updater_registry_response_time_bucket{le="0.05",registry="docker.io"}', "2");
  });

  it("counts running tags that vanished from their registry, per application", async () => {
    const events = createEventSource();
    const metrics = createDaemonMetrics({ processMetrics: false });
    metrics.observe(events);
    const application = { namespace: "argocd", name: "builds" };

    for (const runId of ["run-1", "run-2"]) {
      events.emit("image:vanished", { runId, application, alias: "app", image: "team/app", tag: "build-5" });
    }

    expectSample(await metrics.text(), 'argocd_image_updater_images_vanished_total{application="argocd/builds"}', "2");
  });

  it("counts applications a cycle deferred when its budget ran out", async () => {
    const events = createEventSource();
    const metrics = createDaemonMetrics({ processMetrics: false });
    metrics.observe(events);
    const deferred = [
      { namespace: "argocd", name: "a" },
      { namespace: "argocd", name: "b" },
    ];

    events.emit("cycle:deferred", { runId: "run-1", applications: deferred, budgetMs: 1000 });
    events.emit("cycle:deferred", { runId: "run-2", applications: deferred.slice(1), budgetMs: 1000 });

    expectSample(await metrics.text(), "argocd_image_updater_cycle_deferred_applications_total", "3");
  });

  it("keeps its own registry: two instances do not share values", async () => {
    const a = createDaemonMetrics({ processMetrics: false });
    const b = createDaemonMetrics({ processMetrics: false });
    const events = createEventSource();
    a.observe(events);

    emitSeedCycle(events);

    expect(sample(await a.text(), "argocd_image_updater_images_updated ")).toBe(
      "argocd_image_updater_images_updated 1",
    );
    expect(sample(await b.text(), "argocd_image_updater_images_updated ")).toBe(
      "argocd_image_updater_images_updated 0",
    );
  });
});
