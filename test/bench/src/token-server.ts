import { createPrivateKey, randomUUID, sign, X509Certificate } from "node:crypto";
import { createSelfSignedCertificate } from "./certificate.js";
import { listenLoopback, parseBasicAuth } from "./http-server.js";

/** One access entry of a registry token (`repository:<name>:<actions>`). */
export interface TokenAccess {
  readonly type: string;
  readonly name: string;
  readonly actions: readonly string[];
}

/** A token the server handed out, as logged for tests. */
export interface TokenGrant {
  /** Username, or "" for an anonymous request. */
  readonly subject: string;
  readonly service: string | null;
  readonly access: readonly TokenAccess[];
}

/** Options of {@link startTokenServer}. */
export interface TokenServerOptions {
  /** Directory for the signing key and certificate. */
  readonly dir: string;
  /** `iss` claim; must equal the registry's `auth.token.issuer`. */
  readonly issuer: string;
  /** Accepted users (username → password); they get every action they ask for. */
  readonly users: Readonly<Record<string, string>>;
  /** What an anonymous request gets: nothing (Docker Hub's private repositories) or pull. @default "none" */
  readonly anonymous?: "none" | "pull";
  /** Token lifetime in seconds, as `expires_in` and `exp`. @default 300 */
  readonly expiresIn?: number;
}

/** A running Docker-Hub-style token server (ES256 JWT with the certificate in `x5c`). */
export interface TokenServer {
  /** Realm URL, e.g. "http://127.0.0.1:PORT/token". */
  readonly url: string;
  /** PEM certificate the registry must trust (`auth.token.rootcertbundle`). */
  readonly certificatePath: string;
  /** Token requests answered (granted or refused). */
  readonly requests: number;
  /** Tokens granted, oldest first. */
  readonly grants: readonly TokenGrant[];
  stop(): Promise<void>;
}

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

function parseScope(scope: string): TokenAccess | undefined {
  const parts = scope.split(":");
  if (parts.length < 3) return undefined;
  const type = parts[0] ?? "";
  const actions = (parts.at(-1) ?? "").split(",").filter((action) => action !== "");
  return { type, name: parts.slice(1, -1).join(":"), actions };
}

/** Starts a token server on 127.0.0.1 with a fresh P-256 key and self-signed certificate. */
export async function startTokenServer(options: TokenServerOptions): Promise<TokenServer> {
  const signing = await createSelfSignedCertificate(options.dir, {
    commonName: "image-updater-bench-token-issuer",
    days: 3650,
    name: "token",
  });
  const certificatePath = signing.certificatePath;
  const key = createPrivateKey(signing.key);
  const certificate = new X509Certificate(signing.certificate).raw.toString("base64");
  const expiresIn = options.expiresIn ?? 300;
  const grants: TokenGrant[] = [];
  let requests = 0;

  function makeToken(subject: string, service: string, access: readonly TokenAccess[]): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { typ: "JWT", alg: "ES256", x5c: [certificate] };
    const claims = {
      iss: options.issuer,
      sub: subject,
      aud: service,
      exp: now + expiresIn,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${base64url(header)}.${base64url(claims)}`;
    // JOSE ES256 wants the raw r||s signature, not DER.
    const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" });
    return `${input}.${signature.toString("base64url")}`;
  }

  const http = await listenLoopback((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== "/token") {
      response.writeHead(404).end();
      return;
    }
    requests++;
    let subject = "";
    if (request.headers.authorization !== undefined) {
      const credentials = parseBasicAuth(request.headers.authorization);
      const expected = credentials === undefined ? undefined : options.users[credentials.username];
      if (credentials === undefined || expected === undefined || expected !== credentials.password) {
        response
          .writeHead(401, { "content-type": "application/json", "www-authenticate": 'Basic realm="token"' })
          .end(JSON.stringify({ details: "incorrect username or password" }));
        return;
      }
      subject = credentials.username;
    }
    const access: TokenAccess[] = [];
    for (const scope of url.searchParams.getAll("scope").flatMap((value) => value.split(" "))) {
      const parsed = parseScope(scope);
      if (parsed === undefined) continue;
      const actions =
        subject !== ""
          ? parsed.actions
          : options.anonymous === "pull"
            ? parsed.actions.filter((action) => action === "pull")
            : [];
      access.push({ ...parsed, actions });
    }
    const service = url.searchParams.get("service");
    grants.push({ subject, service, access });
    const token = makeToken(subject, service ?? "", access);
    response.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  });

  return {
    url: `${http.url}/token`,
    certificatePath,
    get requests() {
      return requests;
    },
    get grants() {
      return grants;
    },
    stop: () => http.close(),
  };
}
