import { execFileSync } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { runGit } from "../src/git-cli/run-git.js";

/** A remote that accepts connections and never answers: the blackhole that hangs `git remote-http`. */
async function blackhole(): Promise<{ server: Server; port: number; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no port");
  return { server, port: address.port, sockets };
}

/** Processes whose command line names `text`, other than `ps` itself. */
function processesNaming(text: string): string[] {
  const lines = execFileSync("ps", ["-eo", "pid,args"], { encoding: "utf8" }).split("\n");
  return lines.filter((line) => line.includes(text) && !line.includes("ps -eo"));
}

let hole: Awaited<ReturnType<typeof blackhole>> | undefined;
afterEach(async () => {
  for (const socket of hole?.sockets ?? []) socket.destroy();
  await new Promise((resolve) => hole?.server.close(resolve));
  hole = undefined;
});

describe("runGit() against a remote that never answers", () => {
  it("ends on abort with ABORTED and leaves no git helper behind (the whole process group is killed)", async () => {
    hole = await blackhole();
    const url = `http://127.0.0.1:${hole.port}/never.git`;
    const controller = new AbortController();
    const started = Date.now();
    const pending = runGit(["ls-remote", url], { signal: controller.signal });
    // Wait until the helper is connected, so the abort has a grandchild to reach.
    while (hole.sockets.size === 0) await new Promise((resolve) => setTimeout(resolve, 20));

    controller.abort();
    const error = await pending.catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(error).toMatchObject({ code: "ABORTED" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(processesNaming(`127.0.0.1:${hole.port}`)).toEqual([]);
  });

  it("ends at its timeout with TIMEOUT and no helper left", async () => {
    hole = await blackhole();
    const url = `http://127.0.0.1:${hole.port}/never.git`;

    const error = await runGit(["ls-remote", url], { timeoutMs: 500 }).catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));

    expect(error).toMatchObject({ code: "TIMEOUT" });
    expect(processesNaming(`127.0.0.1:${hole.port}`)).toEqual([]);
  });
});
