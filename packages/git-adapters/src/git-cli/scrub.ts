import { redactUrls } from "./remote-url.js";

/**
 * Removes every secret from `text`: URL userinfo, the given secret strings (and their base64 and URL-encoded
 * forms, as git may print an encoded header or URL), and anything that looks like a private key block.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrls(text);
  for (const secret of secrets) {
    if (secret.length < 4) continue;
    for (const form of secretForms(secret)) out = out.split(form).join("***");
  }
  return out.replace(/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g, "***");
}

function secretForms(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), Buffer.from(secret).toString("base64")]);
  // Multi-line secrets (keys) are also hidden line by line.
  for (const line of secret.split("\n")) if (line.trim().length >= 16) forms.add(line.trim());
  return [...forms].sort((a, b) => b.length - a.length);
}
