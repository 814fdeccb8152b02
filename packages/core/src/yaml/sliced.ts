/**
 * Long parses written as generators that `yield` between units of work (one document, a thousand tokens), run
 * either to the end at once or in slices that give the event loop a turn, so timers and `/healthz` keep
 * answering while a big file is read. One generator serves both, so the two never disagree on a rule.
 */

/** Work between two turns of the event loop: a health probe waits at most about this long for a big file. */
export const YAML_SLICE_MS = 10;

/** Steps of a parse: `yield` where a turn of the event loop may come, `return` the result. */
export type ParseSteps<T> = Generator<void, T, void>;

/** Runs `steps` to the end without yielding to the event loop. */
export function runSteps<T>(steps: ParseSteps<T>): T {
  let step = steps.next();
  while (!step.done) step = steps.next();
  return step.value;
}

/** Runs `steps`, giving the event loop a turn whenever {@link YAML_SLICE_MS} of work has passed. */
export async function runStepsSliced<T>(steps: ParseSteps<T>): Promise<T> {
  let sliceStart = performance.now();
  let step = steps.next();
  while (!step.done) {
    if (performance.now() - sliceStart >= YAML_SLICE_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
    step = steps.next();
  }
  return step.value;
}
