/**
 * URL userinfo redaction shared by every package that prints text it did not write (git stderr, log lines).
 * The scheme may start only where no scheme character precedes it, which keeps the scan linear: a long run of
 * letters is tried once, not once per position (the unanchored form was quadratic in the line length).
 */
const URL_USERINFO = /(?<![a-z0-9+.-])(?<scheme>[a-z][a-z0-9+.-]*:\/\/)[^/\s@'"]+@/gi;

/** Replaces the userinfo of every URL in `text` (`https://user:pass@host` → `https://<replacement>host`). */
export function redactUrlUserinfo(text: string, replacement = ""): string {
  return text.replace(URL_USERINFO, (_match, scheme: string) => `${scheme}${replacement}`);
}
