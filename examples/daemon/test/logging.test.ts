import { describe, expect, it } from "vitest";
import { HINTS, logUpdaterEvents } from "../src/logging/event-log.js";
import { createLogger } from "../src/logging/logger.js";
import { createEventSource, emitSeedCycle } from "./events-fixture.js";

const NOW = () => new Date("2026-01-02T03:04:05.678Z");

function capture(level: "trace" | "debug" | "info" | "warn" | "error" = "info", format: "text" | "json" = "text") {
  const lines: string[] = [];
  const logger = createLogger({ level, format, now: NOW, write: (line) => lines.push(line) });
  return { lines, logger };
}

describe("createLogger()", () => {
  it("prints logrus text lines, quoting only what needs it", () => {
    const { lines, logger } = capture();

    logger.info("Checking 5 applications", { application: "argocd/web", count: 5, note: "two words" });

    expect(lines).toEqual([
      'time="2026-01-02T03:04:05Z" level=info msg="Checking 5 applications" application=argocd/web count=5 note="two words"\n',
    ]);
  });

  it("prints JSON lines", () => {
    const { lines, logger } = capture("info", "json");

    logger.warn("No new image found", { tags_found: 0 });

    expect(JSON.parse(lines[0] ?? "")).toEqual({
      time: "2026-01-02T03:04:05Z",
      level: "warn",
      msg: "No new image found",
      tags_found: 0,
    });
  });

  it.each([
    ["trace", 5],
    ["debug", 4],
    ["info", 3],
    ["warn", 2],
    ["error", 1],
  ] as const)("at level %s prints %d of the 5 levels", (level, count) => {
    const { lines, logger } = capture(level);

    for (const l of ["trace", "debug", "info", "warn", "error"] as const) logger.log(l, l);

    expect(lines).toHaveLength(count);
  });

  it("never prints secret-named fields or URL passwords", () => {
    const { lines, logger } = capture();

    logger.error("push to https://bot:s3cr3t@git.example.com/repo.git failed", {
      password: "s3cr3t",
      token: "s3cr3t",
      repository: "https://bot:s3cr3t@git.example.com/repo.git",
    });

    expect(lines.join("")).not.toContain("s3cr3t");
    expect(lines.join("")).toContain("https://git.example.com/repo.git");
  });
});

describe("logUpdaterEvents()", () => {
  it("prints the seed's and argocd-image-updater's lines for a cycle", () => {
    const events = createEventSource();
    const { lines, logger } = capture();
    logUpdaterEvents(events, logger);

    emitSeedCycle(events);
    const messages = lines.map((l) => /msg="(?<msg>[^"]*)"/.exec(l)?.groups?.msg);

    expect(messages).toEqual([
      "Starting image update cycle, considering 5 annotated application(s) for update",
      "Checking 5 applications",
      "Setting new image to docker.io/myorg/myapp:1.2.3",
      "Setting new image to docker.io/myorg/myapp:1.2.3",
      "No new image found",
      "Could not update image",
      "Successfully updated image 'docker.io/myorg/myapp:1.0.0' to 'docker.io/myorg/myapp:1.2.3'",
      "Failed to commit",
      "Processing results: applications=5 images_considered=4 images_skipped=0 images_updated=1 errors=2",
    ]);
  });

  it.each([
    ["Could not update image", HINTS.couldNotUpdateImage],
    ["Failed to commit", HINTS.failedToCommit],
    ["No new image found", HINTS.noNewImageFound],
  ])("prints %s with the seed's hint", (message, hint) => {
    const events = createEventSource();
    const { lines, logger } = capture("info", "json");
    logUpdaterEvents(events, logger);

    emitSeedCycle(events);
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === message);

    expect(line).toMatchObject({ hint });
  });

  it("prints the error code, and stops printing after unsubscribing", () => {
    const events = createEventSource();
    const { lines, logger } = capture("info", "json");
    const unsubscribe = logUpdaterEvents(events, logger);

    emitSeedCycle(events);
    const count = lines.length;
    unsubscribe();
    emitSeedCycle(events);

    expect(lines.map((l) => JSON.parse(l)).find((l) => l.msg === "Could not update image")).toMatchObject({
      level: "error",
      code: "REGISTRY_AUTH",
      application: "argocd/broken",
    });
    expect(lines).toHaveLength(count);
  });
});

describe("logUpdaterEvents(): the cycle budget", () => {
  it("warns once per deferral, naming the budget and the applications left for the next cycle", () => {
    const { lines, logger } = capture();
    const events = createEventSource();
    logUpdaterEvents(events, logger);

    events.emit("cycle:deferred", {
      runId: "run-1",
      applications: [
        { namespace: "argocd", name: "a" },
        { namespace: "team", name: "b" },
      ],
      budgetMs: 60_000,
    });

    expect(lines).toEqual([
      'time="2026-01-02T03:04:05Z" level=warn msg="Cycle budget of 60000 ms spent: 2 application(s) deferred to the next cycle, checked first there" run=run-1 applications="argocd/a,team/b"\n',
    ]);
  });
});
