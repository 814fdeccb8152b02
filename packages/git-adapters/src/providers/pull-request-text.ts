/** Title and body of a pull request. */
export interface PullRequestText {
  readonly title: string;
  readonly body: string;
}

/** Limits of {@link pullRequestText}, in Unicode code points. */
export interface PullRequestTextLimits {
  /** @default 255 */
  readonly title?: number;
  /** @default 65536 */
  readonly body?: number;
}

/**
 * Splits a rendered commit message into a pull request title (its first line) and body (the rest), cut to the
 * hosts' limits without splitting a character.
 */
export function pullRequestText(message: string, limits: PullRequestTextLimits = {}): PullRequestText {
  const [first = "", ...rest] = message.replace(/\r\n/g, "\n").trim().split("\n");
  return {
    title: truncate(first.trim(), limits.title ?? 255),
    body: truncate(rest.join("\n").trim(), limits.body ?? 65_536),
  };
}

function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : chars.slice(0, max).join("");
}
