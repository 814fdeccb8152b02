/** Natural ("human") order for alphabetical's `naturalSort`: digit runs compare as numbers, the rest byte-wise. */
import { compareText } from "./version.js";

const CHUNK = /[0-9]+|[^0-9]+/g;

/**
 * Compares `a` and `b` naturally: `1.9` < `1.10`, `v2` < `v10`, `26` < `226`. Equal-valued digit runs with
 * different zero padding (`07` and `7`) and otherwise equal texts fall back to byte order, so the order is
 * total and deterministic. Returns -1, 0 or 1.
 */
export function compareNatural(a: string, b: string): number {
  if (a === b) return 0;
  const left = a.match(CHUNK) ?? [];
  const right = b.match(CHUNK) ?? [];
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i++) {
    const x = left[i] as string;
    const y = right[i] as string;
    if (x === y) continue;
    const xDigits = isDigit(x);
    const yDigits = isDigit(y);
    if (xDigits && yDigits) {
      const byValue = compareDigitRuns(x, y);
      if (byValue !== 0) return byValue;
      continue;
    }
    // A number sorts before text at the same position (`1.0` < `1.a`), as most natural sorts do.
    if (xDigits !== yDigits) return xDigits ? -1 : 1;
    return compareText(x, y);
  }
  if (left.length !== right.length) return left.length < right.length ? -1 : 1;
  return compareText(a, b);
}

function isDigit(chunk: string): boolean {
  const code = chunk.charCodeAt(0);
  return code >= 48 && code <= 57;
}

function compareDigitRuns(x: string, y: string): number {
  const a = x.replace(/^0+(?=.)/, "");
  const b = y.replace(/^0+(?=.)/, "");
  if (a.length !== b.length) return a.length < b.length ? -1 : 1;
  return compareText(a, b);
}
