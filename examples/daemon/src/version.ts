import { readFileSync } from "node:fs";

/** The daemon's version, from its package.json (one level above both src/ and dist/). */
export function daemonVersion(): string {
  try {
    const text = readFileSync(new URL("../package.json", import.meta.url), "utf8");
    const parsed = JSON.parse(text) as { version?: unknown };
    return typeof parsed.version === "string" ? parsed.version : "unknown";
  } catch {
    return "unknown";
  }
}
