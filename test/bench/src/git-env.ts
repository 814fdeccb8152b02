/** Identity the bench commits with. */
export const BENCH_GIT_AUTHOR = { name: "Bench Writer", email: "bench@example.invalid" } as const;

/**
 * Environment for git commands that depends on no global or system git config and never prompts:
 * a fixed author and committer, `GIT_TERMINAL_PROMPT=0`, and no inherited `GIT_DIR`-style variables.
 */
export function benchGitEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY", "GIT_SSH_COMMAND"]) {
    delete env[name];
  }
  return {
    ...env,
    GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_CONFIG_NOSYSTEM: "1",
    GIT_AUTHOR_NAME: BENCH_GIT_AUTHOR.name,
    GIT_AUTHOR_EMAIL: BENCH_GIT_AUTHOR.email,
    GIT_COMMITTER_NAME: BENCH_GIT_AUTHOR.name,
    GIT_COMMITTER_EMAIL: BENCH_GIT_AUTHOR.email,
    GIT_TERMINAL_PROMPT: "0",
    LC_ALL: "C",
    ...extra,
  };
}
