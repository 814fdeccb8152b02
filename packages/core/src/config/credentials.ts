/**
 * Credential references, as written in `registries.conf` (`credentials:`) and in `pull-secret` annotations.
 * They name where a secret lives; they never hold one.
 */
import type { CredentialReference } from "../registry/types.js";
import type { Diagnostic, ParseResult } from "./diagnostic.js";

/** A credential reference, with the registry it is restricted to when written `<registry>=<reference>`. */
export type ScopedCredentialReference = CredentialReference & { readonly registry?: string };

/** Options of {@link parseCredentialReference}. */
export interface CredentialParseOptions {
  /** Diagnostic key. @default "credentials" */
  readonly key?: string;
  /** Alias to attach to diagnostics. */
  readonly alias?: string;
}

const KINDS = ["pullsecret", "secret", "env", "ext"] as const;
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const FIELD = /^[-._a-zA-Z0-9]+$/;
const ENV = /^[A-Za-z_][A-Za-z0-9_]*$/;
const FORMS =
  "`pullsecret:<namespace>/<name>`, `secret:<namespace>/<name>[#<field>]`, `env:<VARIABLE>` or `ext:/absolute/path`";

/**
 * Parses `pullsecret:ns/name` (a `.dockerconfigjson` Secret), `secret:ns/name#field` (a field holding
 * `user:password`), `secret:ns/name` (the seed's form: the Secret's `username` and `password` fields),
 * `env:VAR` (`user:password`), `ext:/abs/path` (a script printing `user:password`), each optionally prefixed
 * by `<registry>=`. The kind is case-insensitive. Never throws.
 */
export function parseCredentialReference(
  text: string,
  options: CredentialParseOptions = {},
): ParseResult<ScopedCredentialReference> {
  const written = String(text).trim();
  const fail = (message: string): ParseResult<ScopedCredentialReference> => ({
    diagnostics: [problem(options, "error", `credential reference \`${written}\`: ${message}`)],
  });
  let rest = written;
  let registry: string | undefined;
  const lower = written.toLowerCase();
  if (!KINDS.some((kind) => lower.startsWith(`${kind}:`)) && written.includes("=")) {
    registry = written.slice(0, written.indexOf("=")).trim();
    rest = written.slice(written.indexOf("=") + 1).trim();
    if (registry === "" || /\s|\//.test(registry)) {
      return fail("the registry before `=` must be a host such as `ghcr.io` or `localhost:5000`");
    }
  }
  const colon = rest.indexOf(":");
  const kind = colon === -1 ? "" : rest.slice(0, colon).toLowerCase();
  const value = colon === -1 ? "" : rest.slice(colon + 1).trim();
  const scoped = registry === undefined ? {} : { registry };
  const diagnostics: Diagnostic[] = [];
  switch (kind) {
    case "pullsecret":
    case "secret": {
      const hash = value.indexOf("#");
      const path = hash === -1 ? value : value.slice(0, hash);
      const field = hash === -1 ? undefined : value.slice(hash + 1);
      const [namespace = "", name = "", extra] = path.split("/");
      if (extra !== undefined || namespace === "" || name === "") {
        return fail(`write \`${kind}:<namespace>/<name>\`${kind === "secret" ? " (optionally `#<field>`)" : ""}`);
      }
      if (!NAMESPACE.test(namespace)) return fail(`\`${namespace}\` is not a Kubernetes namespace name`);
      if (!SECRET_NAME.test(name)) return fail(`\`${name}\` is not a Kubernetes Secret name`);
      if (kind === "pullsecret") {
        if (field !== undefined) {
          diagnostics.push(
            problem(
              options,
              "warning",
              `credential reference \`${written}\`: a pull secret always reads \`.dockerconfigjson\`; \`#${field}\` is ignored (use \`secret:\` to read a field)`,
            ),
          );
        }
        return { value: { kind, namespace, name, ...scoped }, diagnostics };
      }
      if (field !== undefined && !FIELD.test(field)) {
        return fail("the field after `#` is a Secret data key (letters, digits, `-`, `_`, `.`)");
      }
      return { value: { kind, namespace, name, ...(field === undefined ? {} : { field }), ...scoped }, diagnostics };
    }
    case "env":
      if (!ENV.test(value)) return fail("write `env:<VARIABLE>` with a valid environment variable name");
      return { value: { kind, variable: value, ...scoped }, diagnostics };
    case "ext":
      if (!value.startsWith("/"))
        return fail("an `ext:` script needs an absolute path, e.g. `ext:/scripts/ecr-login.sh`");
      return { value: { kind, path: value, ...scoped }, diagnostics };
    default:
      return fail(`unknown kind; write ${FORMS}`);
  }
}

/** Renders a reference back to its text form (without the registry scope). */
export function formatCredentialReference(reference: CredentialReference): string {
  switch (reference.kind) {
    case "pullsecret":
      return `pullsecret:${reference.namespace}/${reference.name}`;
    case "secret":
      return `secret:${reference.namespace}/${reference.name}${reference.field === undefined ? "" : `#${reference.field}`}`;
    case "env":
      return `env:${reference.variable}`;
    case "ext":
      return `ext:${reference.path}`;
  }
}

function problem(options: CredentialParseOptions, severity: Diagnostic["severity"], message: string): Diagnostic {
  return {
    severity,
    key: options.key ?? "credentials",
    message,
    ...(options.alias === undefined ? {} : { image: options.alias }),
  };
}
