/**
 * OpenPGP signing with a key file (`git.commit-sign-key: /path/to/gpg-key`): the key is imported once into a
 * private keyring that lives as long as the writer, so the user's own keyring is never touched and a key id
 * keeps working as before.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { type CommitSigning, GitWriteError } from "@image-updater/core";

const run = promisify(execFile);

/** The signing a commit uses and the environment its git process needs for it. */
export interface PreparedSigning {
  readonly signing: CommitSigning;
  readonly env: Readonly<Record<string, string>>;
}

/** Key files imported on first use, one private keyring each. */
export interface SigningKeyring {
  /** `signing` as git takes it: a key file becomes its fingerprint in a private keyring. */
  prepare(signing: CommitSigning): Promise<PreparedSigning>;
  /** Stops the keyrings' gpg-agents and deletes the keyrings. */
  dispose(): Promise<void>;
}

/** A key id (`3AA5C34371567BD2`, an email) never contains `/`; a key file path does, or exists as named. */
export function isKeyFile(key: string): boolean {
  return key.includes("/") || existsSync(key);
}

/** Creates the writer's {@link SigningKeyring}. */
export function createSigningKeyring(): SigningKeyring {
  const imported = new Map<string, Promise<{ gnupgHome: string; fingerprint: string }>>();

  async function importKey(path: string): Promise<{ gnupgHome: string; fingerprint: string }> {
    const problem = (detail: string) =>
      new GitWriteError("GIT_FAILED", `[git-cli] sign: the signing key file ${path} ${detail}`, {
        operation: "sign",
      });
    if (!existsSync(path)) throw problem("does not exist");
    // A short path: gpg-agent puts its socket in the keyring folder, and socket paths are limited to ~100 bytes.
    const gnupgHome = await mkdtemp(join(tmpdir(), "iu-gpg-"));
    const env = { ...process.env, GNUPGHOME: gnupgHome };
    try {
      await run("gpg", ["--batch", "--quiet", "--import", path], { env });
      const { stdout } = await run("gpg", ["--batch", "--with-colons", "--list-secret-keys"], { env });
      const fingerprint = /^sec:(?:[^\n]*\n)+?fpr:+(?<fpr>[0-9A-F]{40}):/m.exec(stdout)?.groups?.fpr;
      if (fingerprint === undefined) throw problem("holds no secret key; export it with gpg --export-secret-keys");
      return { gnupgHome, fingerprint };
    } catch (error) {
      await rm(gnupgHome, { recursive: true, force: true });
      if (error instanceof GitWriteError) throw error;
      const stderr = (error as { stderr?: string }).stderr?.trim().split("\n").at(-1);
      throw problem(`could not be imported: ${stderr || String(error)}`);
    }
  }

  return {
    async prepare(signing): Promise<PreparedSigning> {
      if (signing.method !== "openpgp" || !isKeyFile(signing.key)) return { signing, env: {} };
      let keyring = imported.get(signing.key);
      if (keyring === undefined) {
        keyring = importKey(signing.key);
        imported.set(signing.key, keyring);
        // A failed import is retried on the next commit: the file may be fixed by then.
        keyring.catch(() => imported.delete(signing.key));
      }
      const { gnupgHome, fingerprint } = await keyring;
      return { signing: { method: "openpgp", key: fingerprint }, env: { GNUPGHOME: gnupgHome } };
    },
    async dispose() {
      const keyrings = await Promise.allSettled([...imported.values()]);
      imported.clear();
      for (const keyring of keyrings) {
        if (keyring.status !== "fulfilled") continue;
        const env = { ...process.env, GNUPGHOME: keyring.value.gnupgHome };
        await run("gpgconf", ["--kill", "gpg-agent"], { env }).catch(() => undefined);
        await rm(keyring.value.gnupgHome, { recursive: true, force: true });
      }
    },
  };
}
