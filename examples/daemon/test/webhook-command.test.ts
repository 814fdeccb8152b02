import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../src/cli/cli.js";

const HARBOR_SECRET = "harbor-s3cret";
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "daemon-webhook-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function harborPush(repository: string) {
  return JSON.stringify({
    type: "PUSH_ARTIFACT",
    event_data: {
      resources: [{ tag: "2.0.0", resource_url: `harbor.example.com/${repository}:2.0.0` }],
      repository: { repo_full_name: repository },
    },
  });
}

describe("image-updater webhook", () => {
  it("serves the receiver and the health endpoints, refusing what it must, until stopped", async () => {
    const controller = new AbortController();
    const logs: string[] = [];
    let port: number | null = null;
    const exit = runCli(
      [
        "webhook",
        "--applications-dir",
        dir,
        "--cache-dir",
        join(dir, "cache"),
        "--webhook-port",
        "0",
        "--metrics-port",
        "off",
        "--harbor-webhook-secret",
        HARBOR_SECRET,
        "--loglevel",
        "debug",
      ],
      { stdout: (t) => logs.push(t), stderr: (t) => logs.push(t), env: { HOME: dir }, signal: controller.signal },
      { onWebhookListening: (p) => (port = p) },
    );
    while (port === null) await new Promise((resolve) => setTimeout(resolve, 20));
    const base = `http://127.0.0.1:${port}`;
    const post = (query: string, headers: Record<string, string>, body: string) =>
      fetch(`${base}/webhook?${query}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body,
      });

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await post("type=harbor", { authorization: "wrong" }, harborPush("team/app"))).status).toBe(403);
    expect((await post("type=docker.io", {}, "{}")).status).toBe(403);
    expect((await post("type=nexus", {}, "{}")).status).toBe(400);
    expect((await post("type=harbor", { authorization: HARBOR_SECRET }, "{oops")).status).toBe(400);
    const accepted = await post("type=harbor", { authorization: HARBOR_SECRET }, harborPush("team/app"));
    expect(accepted.status).toBe(200);
    for (let i = 0; i < 100 && !logs.join("").includes("No application watches"); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    controller.abort();
    expect(await exit).toBe(0);
    const text = logs.join("");
    expect(text).toContain('msg="Starting webhook server"');
    expect(text).toContain("secured_types=harbor");
    expect(text).toMatch(/msg="Webhook refused" type=harbor status=403/);
    expect(text).toContain('msg="No application watches the pushed image; nothing to check"');
    expect(text).not.toContain(HARBOR_SECRET);
  });

  it("documents its flags, without the polling ones", async () => {
    const out: string[] = [];
    expect(await runCli(["help", "webhook"], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), env: {} })).toBe(
      0,
    );
    const help = out.join("");
    expect(help).toContain("--distribution-webhook-secret SECRET");
    expect(help).toContain("--webhook-port PORT");
    expect(help).not.toContain("--interval");
  });

  it("refuses an invalid port before starting anything", async () => {
    const out: string[] = [];
    const code = await runCli(["webhook", "--applications-dir", dir, "--webhook-port", "99999"], {
      stdout: (t) => out.push(t),
      stderr: (t) => out.push(t),
      env: {},
    });
    expect(code).toBe(2);
    expect(out.join("")).toContain('invalid value "99999" for --webhook-port');
  });
});
