import type { RegistryCredentials } from "@image-updater/core";
import { credentialsError } from "./errors.js";
import { parseUserPass } from "./parse.js";
import type { CredentialSource } from "./types.js";

/** Options of {@link createEnvCredentials}. */
export interface EnvCredentialsOptions {
  /** Variable holding `user:pass` (`env:VAR` in `registries.conf`). */
  readonly variable: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** `env:VAR`: the variable is read on every call, so a changed value is picked up without a restart. */
export function createEnvCredentials(options: EnvCredentialsOptions): CredentialSource {
  const id = `env:${options.variable}`;
  function read(): RegistryCredentials {
    const value = (options.env ?? process.env)[options.variable];
    if (value === undefined || value === "") throw credentialsError(id, "the variable is not set");
    const parsed = parseUserPass(value);
    if (parsed === null) throw credentialsError(id, "the value is not in the form user:password");
    return parsed;
  }
  return {
    id,
    get: async () => read(),
    // Re-reading the variable is what `get` does anyway; a retry only helps if someone changed it.
    invalidate: () => true,
  };
}
