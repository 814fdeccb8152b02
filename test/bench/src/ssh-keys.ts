import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";
import { requireBinary } from "./service-process.js";

/** An SSH key pair on disk (no passphrase). */
export interface SshKeyPair {
  readonly type: "ed25519" | "rsa";
  /** OpenSSH private key, PEM-like text. */
  readonly privateKey: string;
  /** File holding the private key, mode 0600 (ssh refuses looser modes). */
  readonly privateKeyPath: string;
  /** One authorized_keys-style line: "ssh-ed25519 AAAA… comment". */
  readonly publicKey: string;
}

/** Generates a key pair with ssh-keygen in `dir` under `name` (and `name.pub`). */
export async function generateSshKey(
  dir: string,
  name: string,
  type: "ed25519" | "rsa" = "ed25519",
): Promise<SshKeyPair> {
  const keygen = requireBinary("ssh-keygen", "openssh-client");
  const privateKeyPath = join(dir, name);
  const bits = type === "rsa" ? ["-b", "2048"] : [];
  await runCommand(keygen, ["-q", "-t", type, ...bits, "-N", "", "-C", `bench-${name}`, "-f", privateKeyPath]);
  return {
    type,
    privateKey: await readFile(privateKeyPath, "utf8"),
    privateKeyPath,
    publicKey: (await readFile(`${privateKeyPath}.pub`, "utf8")).trim(),
  };
}
