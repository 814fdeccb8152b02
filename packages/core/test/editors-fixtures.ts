import { existsSync, readFileSync } from "node:fs";

/** Reads `fixtures/editors/<editor>/<name>.before.yaml` and its `.after.yaml` (absent: the edit is a no-op). */
export function fixture(editor: string, name: string): { before: string; after: string | undefined } {
  const base = new URL(`fixtures/editors/${editor}/${name}`, import.meta.url);
  const before = readFileSync(new URL(`${base.href}.before.yaml`), "utf8");
  const afterUrl = new URL(`${base.href}.after.yaml`);
  return { before, after: existsSync(afterUrl) ? readFileSync(afterUrl, "utf8") : undefined };
}
