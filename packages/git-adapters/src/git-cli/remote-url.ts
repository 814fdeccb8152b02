import { createHash } from "node:crypto";
import { redactUrlUserinfo } from "@image-updater/core";

/** A remote URL split into what may be stored and what must stay secret. */
export interface ParsedRemoteUrl {
  /** URL safe to store and print: no password; for http(s) no userinfo at all. */
  readonly url: string;
  /** `http`, `https`, `ssh`, `file`, `git`, or `scp` for `user@host:path`. */
  readonly scheme: string;
  /** Username and password found in an http(s) URL, to be used as credentials instead of stored. */
  readonly userinfo?: { readonly username: string; readonly password: string };
}

const SCP_LIKE = /^(?:(?<user>[^@/:]+)@)?(?<host>[^/:]+):(?<path>.*)$/;

/** Splits `url` into a storable form and any credentials it carried. Never throws. */
export function parseRemoteUrl(url: string): ParsedRemoteUrl {
  if (!url.includes("://")) {
    const scp = SCP_LIKE.exec(url);
    if (scp && !url.startsWith("/") && !url.startsWith(".")) return { url, scheme: "scp" };
    return { url, scheme: "file" };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url: redactUrls(url), scheme: "unknown" };
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  if (scheme === "http" || scheme === "https") {
    parsed.username = "";
    parsed.password = "";
    return username || password
      ? { url: parsed.toString(), scheme, userinfo: { username, password } }
      : { url: parsed.toString(), scheme };
  }
  // An ssh user name is an address, not a secret; a password never belongs in a URL we keep.
  parsed.password = "";
  return { url: parsed.toString(), scheme };
}

/** The mirror directory name for `url`: a hash of the URL without userinfo, so credentials never shape it. */
export function mirrorKey(url: string): string {
  const { url: stored, scheme } = parseRemoteUrl(url);
  let keyed = stored;
  if (scheme === "scp") keyed = stored.replace(/^[^@/:]+@/, "");
  else if (scheme !== "file" && scheme !== "unknown") {
    const parsed = new URL(stored);
    parsed.username = "";
    keyed = parsed.toString();
  }
  return createHash("sha256").update(keyed.replace(/\/+$/, "")).digest("hex").slice(0, 24);
}

/** Replaces the userinfo of every URL in `text` with `***`. */
export function redactUrls(text: string): string {
  return redactUrlUserinfo(text, "***@");
}
