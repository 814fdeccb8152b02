/**
 * The pull requests a GitHub or Gitea double holds, and the edits both APIs make to them the same way
 * (create, PATCH title/body, add labels by name). Status codes and error bodies stay with each double.
 */
import type { HttpDouble } from "./http-double.js";

/** A pull request held by a double. */
export interface DoublePull {
  readonly number: number;
  title: string;
  body: string;
  readonly head: string;
  readonly base: string;
  state: "open" | "closed";
  labels: string[];
}

/** Input of {@link PullStore.seedPull}. */
export interface SeedPull {
  readonly head: string;
  readonly base: string;
  readonly title?: string;
  readonly state?: "open" | "closed";
}

/** What the GitHub and Gitea doubles both offer a test. */
export interface PullApiDouble extends HttpDouble {
  /** Base URL to hand the provider as `apiUrl`. */
  readonly url: string;
  readonly pulls: DoublePull[];
  /** Adds a pull request as if opened by someone else. */
  seedPull(pull: { head: string; base: string; title?: string; state?: "open" | "closed" }): DoublePull;
  /** Runs right before a create is processed (simulate a racing client). */
  beforeCreate: (() => void) | undefined;
}

/** Pull requests numbered from 1 in creation order. */
export interface PullStore {
  readonly pulls: DoublePull[];
  /** Adds a pull request as if opened by someone else. */
  seedPull(input: SeedPull): DoublePull;
  /** The pull request numbered by the `number` group of `match`, if any. */
  byNumber(match: RegExpExecArray): DoublePull | undefined;
  /** Applies the `title` and `body` strings of a PATCH body. */
  edit(pull: DoublePull, body: Readonly<Record<string, unknown>>): void;
  /** Adds the `labels` names of a POST body, keeping each name once. */
  addLabels(pull: DoublePull, body: Readonly<Record<string, unknown>>): void;
}

/** Creates an empty {@link PullStore}. */
export function createPullStore(): PullStore {
  const pulls: DoublePull[] = [];
  return {
    pulls,
    seedPull(input) {
      const pull: DoublePull = {
        number: pulls.length + 1,
        title: input.title ?? `seeded ${input.head}`,
        body: "",
        head: input.head,
        base: input.base,
        state: input.state ?? "open",
        labels: [],
      };
      pulls.push(pull);
      return pull;
    },
    byNumber(match) {
      return pulls.find((candidate) => candidate.number === Number(match.groups?.number));
    },
    edit(pull, body) {
      if (typeof body.title === "string") pull.title = body.title;
      if (typeof body.body === "string") pull.body = body.body;
    },
    addLabels(pull, body) {
      const labels = Array.isArray(body.labels) ? body.labels.map(String) : [];
      pull.labels = [...new Set([...pull.labels, ...labels])];
    },
  };
}
