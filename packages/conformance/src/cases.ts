/** How every suite registers its cases: one `it` per contract sentence, opt-outs shown with their reason. */
import { describe, it } from "vitest";

/** Cases to skip, by name, each with the reason printed next to it. */
export type Skips<Case extends string> = Partial<Record<Case, string>>;

/** Options every suite takes. */
export interface SuiteOptions<Case extends string> {
  /** Cases to skip, each with the reason shown in the output. */
  readonly skip?: Skips<Case>;
  /** Per-case timeout in milliseconds; each suite documents its default. */
  readonly timeoutMs?: number;
}

/**
 * Registers `cases` under `title`. A skipped case still shows, as `name (skipped: reason)`, so an opt-out is
 * visible in every run. `run` gets the case body and executes it against a fresh fixture.
 */
export function describeCases<Case extends string, Body>(
  title: string,
  cases: Readonly<Record<Case, Body>>,
  options: { readonly skip?: Skips<Case>; readonly timeoutMs?: number },
  run: (body: Body, name: Case) => Promise<void>,
): void {
  describe(title, () => {
    for (const [name, body] of Object.entries(cases) as [Case, Body][]) {
      const reason = options.skip?.[name];
      it.skipIf(reason !== undefined)(
        reason === undefined ? name : `${name} (skipped: ${reason})`,
        () => run(body, name),
        options.timeoutMs,
      );
    }
  });
}

/** Waits until `check` holds, polling every 20 ms, or rejects after `timeoutMs` naming `what`. */
export async function eventually(what: string, check: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * {@link describeCases} for suites whose cases take one fixture: each case gets a fresh one from `create`,
 * and `cleanup` runs after it whatever happened.
 */
export function describeFixtureCases<Case extends string, Fixture>(
  title: string,
  cases: Readonly<Record<Case, (fixture: Fixture) => Promise<void>>>,
  options: SuiteOptions<Case> & { readonly timeoutMs: number },
  harness: { create(): Promise<Fixture>; cleanup?(): Promise<void> },
): void {
  describeCases(title, cases, options, async (runCase) => {
    try {
      await runCase(await harness.create());
    } finally {
      await harness.cleanup?.();
    }
  });
}
