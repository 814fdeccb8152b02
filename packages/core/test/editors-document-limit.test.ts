/**
 * GitOps files against the document limit core shares with the Application reader: files are parsed in
 * slices that let the event loop turn, and a file over the limit is refused with a diagnostic and never written.
 */
import { describe, expect, it } from "vitest";
import { planWriteBack } from "../src/editors/plan.js";
import { type ImageChange, MAX_DOCUMENTS_PER_FILE } from "../src/index.js";
import { apply, manyDocuments, repository } from "./editors-fixtures.js";

/** Runs `work` with a 1 ms interval beside it, and counts how often the interval fired meanwhile. */
async function countTicks<T>(work: () => Promise<T>): Promise<{ result: T; ticks: number }> {
  let ticks = 0;
  const ticker = setInterval(() => ticks++, 1);
  try {
    return { result: await work(), ticks };
  } finally {
    clearInterval(ticker);
  }
}

const DEPLOYMENT =
  "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: docker.io/org/one:1.0.0 # pinned\n";
const change: ImageChange = { alias: "app", image: "docker.io/org/one", newTag: "1.1.0" };
const app = { namespace: "argocd", name: "a" };

describe("GitOps files and the document limit", () => {
  it("gives the event loop turns while it plans an edit of a file at the document limit, and edits it in place", async () => {
    const text = manyDocuments(DEPLOYMENT, MAX_DOCUMENTS_PER_FILE);
    const files = repository({ "apps/a/deployment.yaml": text });

    const { result: plan, ticks } = await countTicks(() =>
      planWriteBack({ files, application: app, sourcePath: "apps/a", sourceType: "Directory", changes: [change] }),
    );

    expect(ticks).toBeGreaterThan(0);
    expect(plan.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    expect(plan.changedImages).toEqual(["app"]);
    const edited = apply(plan.changes[0]!, text);
    expect(edited).toBe(text.replace("docker.io/org/one:1.0.0", "docker.io/org/one:1.1.0"));
  });

  it("refuses a file of 100 000 documents with a diagnostic naming the file and the limit, after parsing in slices", async () => {
    const text = manyDocuments(DEPLOYMENT, 100_000);
    const files = repository({ "apps/a/deployment.yaml": text });

    const { result: plan, ticks } = await countTicks(() =>
      planWriteBack({ files, application: app, sourcePath: "apps/a", sourceType: "Directory", changes: [change] }),
    );

    expect(ticks).toBeGreaterThan(0);
    expect(plan.changes).toEqual([]);
    expect(plan.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: "error",
        key: "apps/a/deployment.yaml",
        message: expect.stringContaining(`more than ${MAX_DOCUMENTS_PER_FILE} documents`),
      }),
    );
  });
});
