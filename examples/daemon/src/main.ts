/**
 * The `image-updater` executable: parses the command line, turns SIGTERM/SIGINT into a graceful stop, and
 * exits with the command's code. Everything else lives in `cli/cli.ts` so tests can call it in-process.
 */
import { runCli } from "./cli/cli.js";

const controller = new AbortController();
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}

// `pnpm start -- run …` hands the `--` on to the script; it separates pnpm's arguments, not ours.
const args = process.argv.slice(2);
process.exitCode = await runCli(args[0] === "--" ? args.slice(1) : args, {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  signal: controller.signal,
});
