import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CommitSigning, type FileChange, type GitIdentity, ImageUpdaterError } from "@image-updater/core";
import { readMirrorBlob } from "./blob-reader.js";
import { normalizeRepoPath } from "./paths.js";
import { runGit } from "./run-git.js";
import { isRegularFile, listTree } from "./tree-entries.js";

/** What to commit on top of `parent`. */
export interface CommitPlan {
  readonly gitDir: string;
  readonly parent: string;
  readonly changes: readonly FileChange[];
  readonly message: string;
  readonly author: GitIdentity;
  readonly signOff: boolean;
  readonly signing?: CommitSigning;
  /** Extra environment for the commit process (e.g. `GNUPGHOME`). */
  readonly env: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
}

interface FileState {
  readonly exists: boolean;
  readonly regular: boolean;
  readonly mode: string;
  /** Text of a regular file; `null` otherwise. */
  readonly text: string | null;
}

const ABSENT: FileState = { exists: false, regular: false, mode: "100644", text: null };
const ZERO_SHA = "0000000000000000000000000000000000000000";

/**
 * Builds one commit with `changes` applied to `parent` without any checkout: the changes are computed in
 * memory (so `edit` always sees the parent's text), written as blobs, staged in a private index and
 * committed with `commit-tree`. Resolves `null` when the result equals the parent.
 */
export async function buildCommit(plan: CommitPlan): Promise<string | null> {
  const { gitDir, signal } = plan;
  const runOptions = signal ? { gitDir, signal } : { gitDir };
  const original = await readStates(plan);
  const final = applyChanges(plan.changes, original);
  const changed = [...final].filter(([path, state]) => !sameState(state, original.get(path) ?? ABSENT));
  if (changed.length === 0) return null;

  const scratch = await mkdtemp(join(tmpdir(), "image-updater-commit-"));
  try {
    const writes = changed.filter(([, state]) => state.exists);
    const blobPaths = writes.map((_, index) => join(scratch, `blob-${index}`));
    await Promise.all(writes.map(([, state], index) => writeFile(blobPaths[index]!, state.text ?? "")));
    const blobShas =
      writes.length === 0
        ? []
        : (
            await runGit(["hash-object", "-w", "--no-filters", "--stdin-paths"], {
              ...runOptions,
              input: `${blobPaths.join("\n")}\n`,
            })
          ).stdout
            .toString("utf8")
            .trim()
            .split("\n");

    const indexLines = changed.map(([path, state]) => {
      if (!state.exists) return `0 ${ZERO_SHA}\t${path}`;
      return `${state.mode} ${blobShas[writes.findIndex(([p]) => p === path)]}\t${path}`;
    });
    const indexEnv = { GIT_INDEX_FILE: join(scratch, "index") };
    await runGit(["read-tree", plan.parent], { ...runOptions, env: indexEnv });
    await runGit(["update-index", "-z", "--index-info"], {
      ...runOptions,
      env: indexEnv,
      input: `${indexLines.join("\0")}\0`,
    });
    const tree = (await runGit(["write-tree"], { ...runOptions, env: indexEnv })).stdout.toString("utf8").trim();

    const { author } = plan;
    const { stdout } = await runGit(
      [...signingConfig(plan.signing), "commit-tree", tree, "-p", plan.parent, ...signFlag(plan.signing), "-F", "-"],
      {
        ...runOptions,
        input: finalMessage(plan.message, plan.signOff ? author : undefined),
        env: {
          ...plan.env,
          GIT_AUTHOR_NAME: author.name,
          GIT_AUTHOR_EMAIL: author.email,
          GIT_COMMITTER_NAME: author.name,
          GIT_COMMITTER_EMAIL: author.email,
        },
      },
    );
    return stdout.toString("utf8").trim();
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

async function readStates(plan: CommitPlan): Promise<Map<string, FileState>> {
  const paths = [...new Set(plan.changes.map((change) => normalizeRepoPath(change.path)))];
  const entries = await listTree(plan.gitDir, plan.parent, paths, plan.signal ? { signal: plan.signal } : {});
  const wanted = new Set(paths);
  const found = entries.filter((entry) => wanted.has(entry.path));
  // Through the mirror's long-lived reader (the cycle's reads started it): no process of its own per commit.
  const shas = [...new Set(found.filter((entry) => isRegularFile(entry.mode)).map((entry) => entry.sha))];
  const texts = await Promise.all(shas.map((sha) => readMirrorBlob(plan.gitDir, sha)));
  if (plan.signal?.aborted) throw new ImageUpdaterError("ABORTED", "git cat-file --batch aborted");
  const blobs = new Map(shas.map((sha, index) => [sha, texts[index] as Buffer]));
  const states = new Map<string, FileState>();
  for (const entry of found) {
    const regular = isRegularFile(entry.mode);
    const text = regular ? (blobs.get(entry.sha)?.toString("utf8") ?? "") : null;
    states.set(entry.path, { exists: true, regular, mode: regular ? entry.mode : "100644", text });
  }
  return states;
}

/** Applies changes in order, so several changes to one path (a batch) compose. */
function applyChanges(
  changes: readonly FileChange[],
  original: ReadonlyMap<string, FileState>,
): Map<string, FileState> {
  const state = new Map<string, FileState>();
  const current = (path: string) => state.get(path) ?? original.get(path) ?? ABSENT;
  for (const change of changes) {
    const path = normalizeRepoPath(change.path);
    const before = current(path);
    let next: string | null;
    if (change.type === "write") next = change.contents;
    else if (change.type === "delete") next = null;
    else {
      const seen = before.regular ? before.text : null;
      next = change.apply(seen);
      // An edit that returns what it was given changes nothing, even on a symlink or a directory.
      if (next === seen) continue;
    }
    if (next === null) state.set(path, ABSENT);
    else state.set(path, { exists: true, regular: true, mode: before.regular ? before.mode : "100644", text: next });
  }
  return state;
}

function sameState(a: FileState, b: FileState): boolean {
  if (!a.exists || !b.exists) return a.exists === b.exists;
  return a.regular && b.regular && a.text === b.text && a.mode === b.mode;
}

function signingConfig(signing: CommitSigning | undefined): string[] {
  if (!signing) return [];
  // On the command line only for this process, never written to the mirror's config.
  return ["-c", `gpg.format=${signing.method}`, "-c", `user.signingkey=${signing.key}`];
}

function signFlag(signing: CommitSigning | undefined): string[] {
  return signing ? ["-S"] : ["--no-gpg-sign"];
}

/** The message with a trailing newline and, when asked, a `Signed-off-by` trailer for `signer`. */
export function finalMessage(message: string, signer: GitIdentity | undefined): string {
  const body = message.replace(/\s+$/, "") || "Update parameters";
  if (!signer) return `${body}\n`;
  const trailer = `Signed-off-by: ${signer.name} <${signer.email}>`;
  const lines = body.split("\n");
  if (lines.includes(trailer)) return `${body}\n`;
  const paragraphs = body.split(/\n\s*\n/);
  const lastParagraph = paragraphs.at(-1) ?? "";
  // The subject alone is never a trailer block, even when it reads `fix: something`.
  const endsWithTrailers =
    paragraphs.length > 1 && lastParagraph.split("\n").every((line) => /^[A-Za-z0-9-]+: .+$/.test(line));
  return `${body}${endsWithTrailers ? "\n" : "\n\n"}${trailer}\n`;
}
