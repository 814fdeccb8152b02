/**
 * The environment of every git child (and the ssh it starts). Built from an allow-list, not from the parent's
 * whole environment: a daemon holds tokens (`PULL_REQUEST_TOKEN`, `env:` registry credentials) that git never
 * needs and that a hook, a credential helper or a remote's error page must never see.
 */

// Where programs and config live, proxies, TLS trust, and an agent the user set up for plain ssh URLs.
const INHERITED_VARIABLES = new Set([
  "PATH",
  "HOME",
  "USER",
  "LOGNAME",
  "TMPDIR",
  "TZ",
  "XDG_CONFIG_HOME",
  "GNUPGHOME",
  "SSH_AUTH_SOCK",
  "SSL_CERT_FILE",
  "SSL_CERT_DIR",
  "CURL_CA_BUNDLE",
  "http_proxy",
  "https_proxy",
  "no_proxy",
  "all_proxy",
  "HTTP_PROXY",
  "HTTPS_PROXY",
  "NO_PROXY",
  "ALL_PROXY",
]);

// Inherited git variables could point commands at another repository or config; only these pass through.
const INHERITED_GIT_VARIABLES =
  /^GIT_(?:SSL_|PROXY|TRACE$|TRACE_PACKET$|TRACE_PERFORMANCE$|EXEC_PATH$|SSH_COMMAND$|CONFIG_GLOBAL$|CONFIG_NOSYSTEM$)/;

/** The environment every git child starts from: an allow-list of the parent's, plus non-interactive defaults. */
export function baseGitEnv(parent: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined) continue;
    if (INHERITED_VARIABLES.has(key) || INHERITED_GIT_VARIABLES.test(key)) env[key] = value;
  }
  // Stable English messages: errors are classified from stderr.
  env.LC_ALL = "C";
  env.LANGUAGE = "C";
  env.GIT_TERMINAL_PROMPT = "0";
  // Paths are data: `*` or `:(glob)` in a file name must not be read as a pattern.
  env.GIT_LITERAL_PATHSPECS = "1";
  return env;
}
