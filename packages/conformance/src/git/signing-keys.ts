/** Throwaway signing keys for the signing cases: an OpenPGP key in its own GNUPGHOME and an SSH key. */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import type { CommitSigning } from "@image-updater/core";

const run = promisify(execFile);

/** The identity signing keys are issued to: the suite's commit author. */
export const SUITE_AUTHOR = { name: "image-updater", email: "bot@image-updater.test" } as const;

/** Keys and the files that verify them. */
export interface SigningKeys {
  readonly gnupgHome: string;
  readonly openpgp: CommitSigning;
  readonly ssh: CommitSigning;
  /** `gpg.ssh.allowedSignersFile` that trusts {@link ssh} for the suite's author. */
  readonly allowedSigners: string;
  dispose(): Promise<void>;
}

/** Generates {@link SigningKeys} in a temp dir (a short path: gpg-agent's socket lives there). Needs gpg and ssh-keygen. */
export async function createSigningKeys(): Promise<SigningKeys> {
  const dir = await mkdtemp(join(tmpdir(), "iu-sign-"));
  const gnupgHome = join(dir, "gnupg");
  const env = { ...process.env, GNUPGHOME: gnupgHome };
  await run("mkdir", ["-m", "700", gnupgHome]);
  const uid = `${SUITE_AUTHOR.name} <${SUITE_AUTHOR.email}>`;
  await run("gpg", ["--batch", "--passphrase", "", "--quick-gen-key", uid, "ed25519", "sign", "never"], { env });
  const { stdout } = await run("gpg", ["--batch", "--list-secret-keys", "--with-colons"], { env });
  const fingerprint = /^fpr:+(?<fpr>[0-9A-F]{40}):/m.exec(stdout)?.groups?.fpr;
  if (!fingerprint) throw new Error("gpg did not list the generated key");
  const sshKey = join(dir, "signing_ed25519");
  await run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", SUITE_AUTHOR.email, "-f", sshKey]);
  const publicKey = (await readFile(`${sshKey}.pub`, "utf8")).trim();
  const allowedSigners = join(dir, "allowed_signers");
  await writeFile(allowedSigners, `${SUITE_AUTHOR.email} namespaces="git" ${publicKey}\n`);
  return {
    gnupgHome,
    openpgp: { method: "openpgp", key: fingerprint },
    ssh: { method: "ssh", key: sshKey },
    allowedSigners,
    async dispose() {
      await run("gpgconf", ["--kill", "all"], { env }).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
