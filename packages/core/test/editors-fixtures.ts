import { existsSync, readFileSync } from "node:fs";
import type { FileChange, RepositoryFiles } from "../src/index.js";

/** Reads `fixtures/editors/<editor>/<name>.before.yaml` and its `.after.yaml` (absent: the edit is a no-op). */
export function fixture(editor: string, name: string): { before: string; after: string | undefined } {
  const base = new URL(`fixtures/editors/${editor}/${name}`, import.meta.url);
  const before = readFileSync(new URL(`${base.href}.before.yaml`), "utf8");
  const afterUrl = new URL(`${base.href}.after.yaml`);
  return { before, after: existsSync(afterUrl) ? readFileSync(afterUrl, "utf8") : undefined };
}

/** An in-memory repository view: plain data behind the `RepositoryFiles` interface (no service involved). */
export function repository(files: Record<string, string>, links: Record<string, string> = {}): RepositoryFiles {
  return {
    revision: "0000000000000000000000000000000000000000",
    async readFile(path) {
      return Object.hasOwn(files, path) ? (files[path] as string) : null;
    },
    async listFiles(dir) {
      const prefix = dir === "" ? "" : `${dir}/`;
      return Object.keys(files)
        .filter((path) => path.startsWith(prefix))
        .sort();
    },
    async readLink(path) {
      return Object.hasOwn(links, path) ? (links[path] as string) : null;
    },
  };
}

/** The text a planned edit gives from `current`. */
export function apply(change: FileChange | undefined, current: string | null): string | null {
  if (change?.type !== "edit") throw new Error("expected an edit");
  return change.apply(current);
}

/** `count` documents: `deployment` first, then small ConfigMaps. */
export function manyDocuments(deployment: string, count: number): string {
  const filler = Array.from(
    { length: count - 1 },
    (_, i) => `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${i}\ndata:\n  key: "${i}"\n`,
  );
  return [deployment, ...filler].join("");
}
