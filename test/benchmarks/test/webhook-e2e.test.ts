import { describe, expect, it } from "vitest";
import { runWebhookScenario } from "../src/webhook.js";

describe("registry webhooks end to end: a real docker-registry notifying `run --enable-webhook --interval 10m`", () => {
  it("commits every push, lists tags only for the pushed repository, and refuses forged deliveries", async () => {
    const result = await runWebhookScenario({ pushes: 5, announceMissingTag: true, burst: 50 });

    // Polling is 10 minutes away: only the notifications can explain these commits.
    expect(result.committed).toBe(5);
    expect(result.commits).toBe(5);
    expect(result.lastTagOnMain).toBe(true);
    expect(Object.keys(result.tagListings)).toEqual(["team/app"]);
    // One listing per push, plus a look-again when Distribution notified before linking the tag.
    expect(result.tagListings["team/app"]).toBeLessThanOrEqual(5 * 2);
    expect(result.refusedStatuses).toEqual([403, 401, 400]);
    // A signed notification naming a tag the registry does not have writes nothing.
    expect(result.commitsAfterMissingTag).toBe(0);
    expect(result.metrics).toMatch(
      /argocd_image_updater_webhook_event_to_writeback_seconds_count\{type="distribution"\} (5[5-9]|[6-9]\d)\n/,
    );
    expect(result.metrics).toMatch(
      /argocd_image_updater_webhook_requests_total\{type="distribution",outcome="secret_invalid"\} 1/,
    );
    expect(result.daemonMs).toHaveLength(5);
    // 50 notifications for one push: the check they started, one follow-up, and at most one look-again.
    expect(result.burst).toMatchObject({ notifications: 50, committed: true });
    expect(result.burst?.tagListings).toBeLessThanOrEqual(3);
  }, 120_000);
});
