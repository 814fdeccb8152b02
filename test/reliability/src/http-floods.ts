/**
 * HTTP floods against the daemon's own server: thousands of concurrent requests, a slowloris, idle sockets
 * and junk. Survived means /healthz keeps answering and the open file descriptors fall back near where they
 * started once the attack stops.
 */
import { readdir } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import type { Trial } from "./family.js";

async function openFds(): Promise<number> {
  return (await readdir("/proc/self/fd").catch(() => [])).length;
}

async function settle(baseline: number, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let now = await openFds();
  while (now > baseline + 20 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    now = await openFds();
  }
  return now;
}

function flood(port: number, count: number, send: (socket: Socket, i: number) => void): Socket[] {
  return Array.from({ length: count }, (_, i) => {
    const socket = connect(port, "127.0.0.1", () => send(socket, i));
    socket.on("error", () => {});
    socket.on("data", () => {});
    return socket;
  });
}

/** Floods against `port` (the daemon's health server). */
export function floodTrials(port: number): Trial[] {
  const healthz = async (): Promise<boolean> => {
    const response = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1_000) }).catch(
      () => null,
    );
    return response?.status === 200;
  };
  const attack = (name: string, count: number, send: (socket: Socket, i: number) => void, holdMs: number): Trial => ({
    name: `http: ${name}`,
    deadlineMs: 60_000,
    async run() {
      const baseline = await openFds();
      const sockets = flood(port, count, send);
      await new Promise((resolve) => setTimeout(resolve, holdMs));
      const answered = await healthz();
      for (const socket of sockets) socket.destroy();
      const after = await settle(baseline, 10_000);
      return { correct: answered && after <= baseline + 20, outputs: [] };
    },
  });
  return [
    attack("2000 concurrent GETs", 2000, (s) => s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"), 1_500),
    attack(
      "slowloris, 800 connections",
      800,
      (s) => {
        s.write("GET /healthz HTTP/1.1\r\nHost: x\r\n");
        const timer = setInterval(() => (s.destroyed ? clearInterval(timer) : s.write("X-a: b\r\n")), 1_000);
      },
      7_000,
    ),
    attack("800 silent sockets", 800, () => {}, 7_000),
    attack("junk bytes", 200, (s, i) => s.write(Buffer.alloc(8 * 1024, i % 256)), 1_000),
    attack("10 000 headers", 50, (s) => s.write(`GET /healthz HTTP/1.1\r\n${"X-a: b\r\n".repeat(10_000)}\r\n`), 1_000),
    attack(
      "100 MiB request body",
      5,
      (s) => {
        s.write("POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n");
        s.write(Buffer.alloc(4 * 1024 * 1024));
      },
      2_000,
    ),
  ];
}
