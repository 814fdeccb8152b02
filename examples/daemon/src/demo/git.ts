import { execFile } from "node:child_process";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Runs git with a fixed identity and no user or system config, so the demo behaves the same anywhere. */
export async function git(args: readonly string[], cwd?: string): Promise<string> {
  const { stdout } = await exec("git", [...args], {
    ...(cwd ? { cwd } : {}),
    env: {
      ...process.env,
      GIT_CONFIG_NOSYSTEM: "1",
      GIT_CONFIG_GLOBAL: "/dev/null",
      GIT_AUTHOR_NAME: "CI",
      GIT_AUTHOR_EMAIL: "ci@example.com",
      GIT_COMMITTER_NAME: "CI",
      GIT_COMMITTER_EMAIL: "ci@example.com",
      GIT_TERMINAL_PROMPT: "0",
    },
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}
