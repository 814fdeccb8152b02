/** Self-signed P-256 certificates made with openssl, for the token server and TLS tests. */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { runCommand } from "./run-command.js";
import { requireBinary } from "./service-process.js";

/** Options of {@link createSelfSignedCertificate}. */
export interface SelfSignedCertificateOptions {
  /** Subject common name. */
  readonly commonName: string;
  /** Validity in days. */
  readonly days: number;
  /** `subjectAltName` IP address, for a certificate a TLS client checks against 127.0.0.1. */
  readonly ipAddress?: string;
  /** File name prefix inside `dir`. @default "cert" */
  readonly name?: string;
}

/** A certificate and its private key, as PEM text and as the files they were written to. */
export interface SelfSignedCertificate {
  readonly keyPath: string;
  readonly certificatePath: string;
  readonly key: string;
  readonly certificate: string;
}

/** Writes a fresh P-256 key and self-signed certificate into `dir`. */
export async function createSelfSignedCertificate(
  dir: string,
  options: SelfSignedCertificateOptions,
): Promise<SelfSignedCertificate> {
  const openssl = requireBinary("openssl", "openssl");
  const name = options.name ?? "cert";
  const keyPath = join(dir, `${name}-key.pem`);
  const certificatePath = join(dir, `${name}-cert.pem`);
  await runCommand(openssl, [
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-days",
    String(options.days),
    "-subj",
    `/CN=${options.commonName}`,
    ...(options.ipAddress === undefined ? [] : ["-addext", `subjectAltName=IP:${options.ipAddress}`]),
    "-keyout",
    keyPath,
    "-out",
    certificatePath,
  ]);
  return {
    keyPath,
    certificatePath,
    key: await readFile(keyPath, "utf8"),
    certificate: await readFile(certificatePath, "utf8"),
  };
}
