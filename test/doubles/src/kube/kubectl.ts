/** The real `kubectl`, pointed at a {@link KubeApiDouble}, with its discovery cache kept out of the home folder. */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { type CommandResult, requireBinary, runCommand } from "@image-updater/bench";
import type { KubeApiDouble } from "./kube-api-double.js";

function kubectlEnv(double: KubeApiDouble, kubeconfigPath?: string): NodeJS.ProcessEnv {
  const kubeconfig = kubeconfigPath ?? double.kubeconfigPath;
  return {
    ...process.env,
    KUBECONFIG: kubeconfig,
    KUBECACHEDIR: join(dirname(double.kubeconfigPath), "kubectl-cache"),
  };
}

/** Runs `kubectl ARGS` against the double; resolves with its output, a non-zero exit included. */
export function kubectl(
  double: KubeApiDouble,
  args: readonly string[],
  options: { readonly input?: string; readonly kubeconfigPath?: string } = {},
): Promise<CommandResult> {
  return runCommand(requireBinary("kubectl", "kubectl"), args, {
    env: kubectlEnv(double, options.kubeconfigPath),
    allowFailure: true,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}

/** A long-running kubectl (`get -w`) whose output is collected as it comes. */
export interface KubectlProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Output so far. */
  stdout(): string;
  /** Resolves once stdout contains `text`; rejects after `timeoutMs`. */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `kubectl ARGS` against the double and leaves it running. */
export function spawnKubectl(double: KubeApiDouble, args: readonly string[]): KubectlProcess {
  const child = spawn(requireBinary("kubectl", "kubectl"), args, { env: kubectlEnv(double) });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("close", () => resolve()));
  return {
    child,
    stdout: () => out,
    async waitFor(text, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!out.includes(text)) {
        if (Date.now() > deadline) throw new Error(`kubectl ${args.join(" ")} never printed "${text}"; got:\n${out}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    },
  };
}
