import { BenchError } from "./errors.js";

/** Where to push and who to be. */
export interface RegistryTarget {
  /** Base URL, e.g. "http://127.0.0.1:5000". */
  readonly url: string;
  readonly username?: string;
  readonly password?: string;
}

interface Challenge {
  readonly scheme: string;
  readonly params: Readonly<Record<string, string>>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (or `Basic realm="…"`). */
export function parseAuthChallenge(header: string | null): Challenge | undefined {
  const match = /^(?<scheme>\w+)\s*(?<rest>.*)$/s.exec(header ?? "");
  if (match?.groups === undefined) return undefined;
  const params: Record<string, string> = {};
  for (const pair of (match.groups.rest ?? "").matchAll(/(?<key>\w+)="(?<value>[^"]*)"/g)) {
    if (pair.groups?.key !== undefined) params[pair.groups.key] = pair.groups.value ?? "";
  }
  return { scheme: (match.groups.scheme ?? "").toLowerCase(), params };
}

/** Per-request options of the bench's registry client. */
export interface RegistryRequest {
  readonly headers?: Record<string, string>;
  readonly body?: Buffer | string;
  /** Repository, so a Bearer token is asked for with push+pull scope on it. */
  readonly repository: string;
}

/** A tiny fetch-based client that answers Basic and Bearer challenges by itself. */
export interface RegistryHttpClient {
  /** Base URL without a trailing slash. */
  readonly baseUrl: string;
  request(method: string, pathOrUrl: string, options: RegistryRequest): Promise<Response>;
  readonly stats: { challenges: number; tokenFetches: number; requests: number };
}

/** Creates the client the pusher uses; tokens are cached per repository until they expire. */
export function createRegistryHttpClient(target: RegistryTarget): RegistryHttpClient {
  const base = target.url.replace(/\/+$/, "");
  const tokens = new Map<string, { token: string; expiresAt: number }>();
  const pendingTokens = new Map<string, Promise<string>>();
  let useBasic = false;
  const stats = { challenges: 0, tokenFetches: 0, requests: 0 };

  function basicHeader(): string | undefined {
    if (target.username === undefined) return undefined;
    return `Basic ${Buffer.from(`${target.username}:${target.password ?? ""}`).toString("base64")}`;
  }

  async function fetchToken(challenge: Challenge, repository: string): Promise<string> {
    const realm = challenge.params.realm;
    if (realm === undefined) throw new BenchError("Bearer challenge without realm");
    const url = new URL(realm);
    if (challenge.params.service !== undefined) url.searchParams.set("service", challenge.params.service);
    url.searchParams.append("scope", `repository:${repository}:pull,push`);
    const authorization = basicHeader();
    stats.tokenFetches++;
    const response = await fetch(url, { headers: authorization === undefined ? {} : { authorization } });
    if (!response.ok) {
      throw new BenchError(`token endpoint answered ${response.status} for ${url.pathname}: ${await response.text()}`);
    }
    const body = (await response.json()) as { token?: string; access_token?: string; expires_in?: number };
    const token = body.token ?? body.access_token;
    if (token === undefined) throw new BenchError("token endpoint answered without a token");
    tokens.set(repository, { token, expiresAt: Date.now() + (body.expires_in ?? 60) * 1000 - 5000 });
    return token;
  }

  function authorizationFor(repository: string): string | undefined {
    const cached = tokens.get(repository);
    if (cached !== undefined && cached.expiresAt > Date.now()) return `Bearer ${cached.token}`;
    return useBasic ? basicHeader() : undefined;
  }

  async function request(method: string, pathOrUrl: string, options: RegistryRequest): Promise<Response> {
    const url = pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl;
    function send(): Promise<Response> {
      const headers: Record<string, string> = { ...options.headers };
      const authorization = authorizationFor(options.repository);
      if (authorization !== undefined) headers.authorization = authorization;
      stats.requests++;
      return fetch(url, { method, headers, body: options.body });
    }
    const first = await send();
    if (first.status !== 401) return first;
    const challenge = parseAuthChallenge(first.headers.get("www-authenticate"));
    if (challenge === undefined) return first;
    stats.challenges++;
    if (challenge.scheme === "basic") {
      if (useBasic || target.username === undefined) return first;
      await first.arrayBuffer();
      useBasic = true;
      return send();
    }
    if (challenge.scheme !== "bearer") return first;
    await first.arrayBuffer();
    let pending = pendingTokens.get(options.repository);
    if (pending === undefined) {
      pending = fetchToken(challenge, options.repository).finally(() => pendingTokens.delete(options.repository));
      pendingTokens.set(options.repository, pending);
    }
    await pending;
    return send();
  }

  return { baseUrl: base, request, stats };
}
