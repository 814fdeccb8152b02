import { createServer, type IncomingMessage, type RequestListener, type Server } from "node:http";
import type { Socket } from "node:net";

/** A node:http server on 127.0.0.1 with an ephemeral port and a close() that also drops keep-alive sockets. */
export interface LoopbackServer {
  readonly server: Server;
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1:0. */
export async function listenLoopback(handler: RequestListener): Promise<LoopbackServer> {
  const server = createServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("no TCP address from listen(0)");
  let closed: Promise<void> | undefined;
  function close(): Promise<void> {
    closed ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return closed;
  }
  return { server, port: address.port, url: `http://127.0.0.1:${address.port}`, close };
}

/** Reads a request body fully. */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Decodes `Authorization: Basic …`; undefined when absent or malformed. */
export function parseBasicAuth(header: string | undefined): { username: string; password: string } | undefined {
  const match = /^Basic\s+(?<value>\S+)$/i.exec(header ?? "");
  if (match?.groups?.value === undefined) return undefined;
  const decoded = Buffer.from(match.groups.value, "base64").toString();
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
