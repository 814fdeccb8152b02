import { GitWriteError, ImageUpdaterError, RegistryError } from "@image-updater/core";
import { PullRequestError } from "@image-updater/git-adapters";
import { describe, expect, it } from "vitest";
import { HINTS, logUpdaterEvents } from "../src/logging/event-log.js";
import { createLogger, redactUrls } from "../src/logging/logger.js";
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

  it("prints a secret-named setting that is only true or false", () => {
    const { lines, logger } = capture();
    logger.info("Starting webhook server", { require_secret: true, secret: "s3cr3t" });
    expect(lines.join("")).toContain("require_secret=true");
    expect(lines.join("")).not.toContain("s3cr3t");
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
      "Successfully updated image 'docker.io/myorg/myapp:1.0.0' to 'docker.io/myorg/myapp:1.2.3', but pending spec update (dry run=false)",
      "Setting new image to docker.io/myorg/myapp:1.2.3",
      "Successfully updated image 'docker.io/myorg/myapp:1.0.0' to 'docker.io/myorg/myapp:1.2.3', but pending spec update (dry run=false)",
      "No new image found",
      "Could not update image",
      "Committing 1 parameter update(s) for application myapp-staging",
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
      application: "broken",
      namespace: "argocd",
    });
    expect(lines).toHaveLength(count);
  });

  it("says dry run=true in the pending-update line of a dry run", () => {
    const events = createEventSource();
    const { lines, logger } = capture();
    logUpdaterEvents(events, logger, { dryRun: true });

    emitSeedCycle(events);

    expect(lines.join("")).toContain("but pending spec update (dry run=true)");
  });

  it("prints a configuration warning once per application, not every cycle", () => {
    const events = createEventSource();
    const { lines, logger } = capture();
    logUpdaterEvents(events, logger);
    const warn = (name: string) =>
      events.emit("config:diagnostic", {
        runId: "r",
        application: { namespace: "argocd", name },
        severity: "warning",
        key: "argocd-image-updater.argoproj.io/app.tag-match",
        message: "`tag-match` is deprecated; rename the key to `allow-tags` (same value)",
      });

    warn("web");
    warn("web");
    warn("api");
    warn("web");

    expect(lines.filter((l) => l.includes("tag-match"))).toHaveLength(2);
    expect(lines[0]).toContain("application=web namespace=argocd");
  });

  it("prints the spec-already-set line at info and up-to-date at debug", () => {
    const events = createEventSource();
    const { lines, logger } = capture("info");
    logUpdaterEvents(events, logger);
    const base = { runId: "r", application: { namespace: "argocd", name: "web" }, alias: "app", image: "nginx" };

    events.emit("image:up-to-date", { ...base, tag: "1.0", message: "New image nginx:1.1 already set in spec" });
    events.emit("image:up-to-date", {
      ...base,
      tag: "1.1",
      message: "Image 'nginx' already on latest allowed version",
    });

    expect(lines).toEqual([expect.stringContaining('msg="New image nginx:1.1 already set in spec"')]);
  });

  it.each([
    [
      new PullRequestError("[github] POST /repos/o/r/pulls: 401 Bad credentials", { provider: "github", status: 401 }),
      "The pull-request API refused the token",
      "PULL_REQUEST_TOKEN",
    ],
    [
      new GitWriteError("GIT_FAILED", '[git-cli] "image update/x" is not a valid branch name', { operation: "branch" }),
      "Could not name the write branch",
      "git-branch annotation",
    ],
    [
      new ImageUpdaterError("TEMPLATE_INVALID", "template: branch-name:1:3: unexpected }"),
      "Could not name the write branch",
      "git-branch annotation",
    ],
    [
      new ImageUpdaterError("MANIFEST_INVALID", "write-back-target: refusing path `../x`: it leaves the repository"),
      "Refused to write outside the repository",
      "write-back-target",
    ],
    [
      new GitWriteError("GIT_FAILED", "[git-cli] sign u (main): error: gpg failed to sign the data", {
        operation: "sign",
      }),
      "Could not sign the commit",
      "--git-commit-signing-key",
    ],
    [
      new GitWriteError("GIT_AUTH", "[git-cli] fetch ssh://h/r: Host key verification failed. | fatal: …"),
      "Failed to commit",
      "known_hosts",
    ],
    [
      new GitWriteError("GIT_AUTH", "[git-cli] fetch ssh://h/r: git@h: Permission denied (publickey). | fatal: …"),
      "Failed to commit",
      "deploy key",
    ],
  ])("a write-back failure says what failed: %s", (error, message, hint) => {
    const events = createEventSource();
    const { lines, logger } = capture("info", "json");
    logUpdaterEvents(events, logger);

    events.emit("writeback:failed", {
      runId: "r",
      repoUrl: "https://git.example/r.git",
      branch: "main",
      applications: [{ namespace: "argocd", name: "web" }],
      error,
    });
    const line = JSON.parse(lines[0] ?? "{}") as { msg: string; hint: string; error: string };

    expect(line.msg).toBe(message);
    expect(line.hint).toContain(hint);
    expect(line.error).toBe(error.message);
  });

  it.each([
    ["network error ERR_SSL_WRONG_VERSION_NUMBER", "api_url: http://127.0.0.1:5000 and insecure: yes"],
    ["network error ECONNREFUSED", "check the registry host and port"],
  ])("an unreachable registry (%s) gets the hint that fits", (reason, hint) => {
    const events = createEventSource();
    const { lines, logger } = capture("info", "json");
    logUpdaterEvents(events, logger);

    events.emit("image:failed", {
      runId: "r",
      application: { namespace: "argocd", name: "web" },
      alias: "app",
      image: "127.0.0.1:5000/myorg/myapp",
      error: new RegistryError("REGISTRY_UNAVAILABLE", `[oci-distribution] GET /v2/ on 127.0.0.1:5000: ${reason}`, {
        registry: "127.0.0.1:5000",
      }),
    });

    expect(JSON.parse(lines[0] ?? "{}")).toMatchObject({
      msg: "Could not update image",
      hint: expect.stringContaining(hint),
    });
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

describe("redactUrls", () => {
  it("removes userinfo from URLs in a line", () => {
    expect(redactUrls("push https://bot:s3cret@git.example/r.git failed; see ssh://git@h/r")).toBe(
      "push https://git.example/r.git failed; see ssh://h/r",
    );
  });
});
