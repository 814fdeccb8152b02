import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type HttpServer, startHttpServer } from "../src/http/http-server.js";

const OK = () => ({ status: 200, contentType: "text/plain; charset=utf-8", body: "OK" });

let servers: HttpServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function start(limits: Parameters<typeof startHttpServer>[0]["limits"]): Promise<HttpServer> {
  const server = await startHttpServer({ port: 0, host: "127.0.0.1", routes: { "/healthz": OK }, limits });
  servers.push(server);
  return server;
}

/** Opens a raw connection and resolves when the server closes it (or after `waitMs`, with `false`). */
function closedByServer(port: number, send: string, waitMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(send));
    sockets.push(socket);
    socket.on("data", () => {});
    socket.on("error", () => {});
    const timer = setTimeout(() => resolve(false), waitMs);
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

describe("startHttpServer limits", () => {
  it("closes a slowloris connection that never finishes its headers", async () => {
    const server = await start({ headersTimeoutMs: 300, requestTimeoutMs: 300 });

    // Node checks header timeouts on a timer of its own; a few seconds is the bound, far below "never".
    expect(await closedByServer(server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ", 5_000)).toBe(true);
  });

  it("closes an idle kept-alive connection", async () => {
    const server = await start({ keepAliveTimeoutMs: 200 });

    expect(await closedByServer(server.port, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", 3_000)).toBe(true);
  });

  it("closes a silent connection that sent nothing at all", async () => {
    const server = await start({ socketIdleTimeoutMs: 300, headersTimeoutMs: 60_000, requestTimeoutMs: 60_000 });

    expect(await closedByServer(server.port, "", 3_000)).toBe(true);
  });

  it("refuses connections past the limit, and answers /healthz again once the idle ones are dropped", async () => {
    const server = await start({ maxConnections: 5, headersTimeoutMs: 300, requestTimeoutMs: 300 });
    const flood = Array.from({ length: 20 }, () => closedByServer(server.port, "GET /healthz HTTP/1.1\r\n", 5_000));

    // Every flood connection ends: refused at accept, or cut at the header deadline.
    expect(await Promise.all(flood)).toEqual(Array(20).fill(true));
    const response = await fetch(`http://127.0.0.1:${server.port}/healthz`);
    expect(response.status).toBe(200);
  });
});
