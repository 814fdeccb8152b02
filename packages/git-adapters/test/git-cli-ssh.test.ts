import { type SshGitServer, startSshGitServer } from "@image-updater/bench";
import { describeGitWriterConformance, type GitWriterCase, gitWriterCases } from "@image-updater/conformance";
import { afterAll } from "vitest";
import { createServedRemoteHarness } from "./served-remote-harness.js";

let server: SshGitServer | undefined;
let count = 0;

afterAll(async () => {
  await server?.stop();
});

// The key type only changes how ssh authenticates: the RSA run keeps the cases that read, write and race.
const RSA_CASES: readonly GitWriterCase[] = [
  "openBranch() reads files, lists them and reads symlinks at the branch tip",
  "commit() makes exactly one commit with the message, author and changes, read back by openBranch()",
  "commit() rebuilds on the new tip when another client pushed before our push, keeping both commits in order",
];

for (const keyType of ["ed25519", "rsa"] as const) {
  const skip =
    keyType === "rsa"
      ? Object.fromEntries(
          gitWriterCases
            .filter((name) => !RSA_CASES.includes(name))
            .map((name) => [name, "covered by the ed25519 run; the key type only changes authentication"]),
        )
      : {};
  describeGitWriterConformance(
    `git-cli over SSH with an ${keyType} deploy key and known_hosts`,
    createServedRemoteHarness("git-cli-ssh-cache-", async () => {
      server ??= await startSshGitServer();
      const name = `deploy-${keyType}-${++count}`;
      const key = keyType === "rsa" ? server.rsaKey : server.deployKey;
      return {
        root: server.root,
        name,
        repository: {
          url: server.repoUrl(name),
          credentials: { kind: "ssh", privateKey: key.privateKey, knownHosts: server.knownHosts },
        },
      };
    }),
    { skip, timeoutMs: 180_000 },
  );
}
