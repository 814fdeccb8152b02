/**
 * Registry authentication: anonymous, Basic, and the Bearer token challenge (Docker Hub style). Tokens are
 * kept per (credentials, scope) until they expire, and the scheme a registry asked for is remembered so later
 * requests carry the right header from the start instead of paying a 401 round trip each time.
 */
import {
  RegistryError,
  type RegistryHttpRequest,
  type RegistryHttpRequestKind,
  type RequestOptions,
} from "@image-updater/core";
import type { Dispatcher } from "undici";
import type { CredentialSource } from "../credentials/types.js";
import { type Challenge, parseChallenges } from "./challenge.js";
import { type HttpResponse, send, statusError } from "./http.js";

/** Shared settings of every request to one endpoint. */
export interface AuthContext {
  /** Registry as images name it, for errors and events. */
  readonly registry: string;
  readonly source: string;
  readonly dispatcher: Dispatcher;
  readonly timeoutMs: number;
  /** Most bytes read from one response. @default 32 MiB */
  readonly maxBodyBytes?: number;
}

/** A registry request before authentication. */
export interface AuthRequest {
  readonly method: "GET" | "HEAD";
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly kind: RegistryHttpRequestKind;
  /** Token scope, e.g. `repository:library/nginx:pull`. */
  readonly scope: string;
  /** Credentials, or `undefined` for anonymous access. */
  readonly credentials?: CredentialSource;
  readonly signal?: AbortSignal;
  /** Told after every HTTP request this one needs, token fetches included. */
  readonly onRequest?: (event: RegistryHttpRequest) => void;
  /** Awaited before every HTTP request (the caller's rate limit). */
  readonly pace?: (signal?: AbortSignal) => Promise<void>;
}

/** Sends requests to one registry endpoint, authenticating as its challenges demand. */
export interface Authenticator {
  /** The final response. A 401 comes back only once every way to authenticate was tried. */
  send(request: AuthRequest): Promise<HttpResponse>;
}

/** What a token fetch shares with the request that needs it. */
type RequestHooks = Pick<AuthRequest, "signal" | "onRequest" | "pace">;

interface Token {
  readonly value: string;
  readonly expiresAt: number;
}

/** Tokens are dropped this long before they expire, so none expires in flight. */
const EXPIRY_MARGIN_MS = 10_000;

function pickChallenge(challenges: readonly Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === "bearer") ?? challenges.find((c) => c.scheme === "basic");
}

function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
}

/** Creates the authenticator of one endpoint. */
export function createAuthenticator(context: AuthContext, now: () => number = Date.now): Authenticator {
  let scheme: "unknown" | "basic" | "bearer" = "unknown";
  let realm: string | undefined;
  let service: string | undefined;
  const tokens = new Map<string, Token>();
  const pending = new Map<string, Promise<Token>>();

  function tokenKey(credentials: CredentialSource | undefined, scope: string): string {
    return `${credentials?.id ?? "anonymous"}\n${scope}`;
  }

  async function fetchToken(scope: string, credentials: CredentialSource | undefined, options: RequestHooks) {
    let url: URL;
    try {
      url = new URL(realm ?? "");
    } catch {
      throw new RegistryError(
        "REGISTRY_PROTOCOL",
        `[${context.source}] ${context.registry}: the Bearer challenge has no usable realm URL`,
        {
          registry: context.registry,
        },
      );
    }
    url.username = "";
    url.password = "";
    if (service !== undefined) url.searchParams.set("service", service);
    url.searchParams.set("scope", scope);
    const creds = await credentials?.get(options.signal ? { signal: options.signal } : {});
    await options.pace?.(options.signal);
    const headers: Record<string, string> = { accept: "application/json" };
    if (creds) headers.authorization = basicHeader(creds.username, creds.password);
    const request = {
      method: "GET" as const,
      url,
      headers,
      kind: "token" as const,
      registry: context.registry,
      dispatcher: context.dispatcher,
      timeoutMs: context.timeoutMs,
      ...(context.maxBodyBytes === undefined ? {} : { maxBodyBytes: context.maxBodyBytes }),
      source: context.source,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    };
    const response = await send(request);
    if (response.status !== 200) throw statusError(request, response);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown; issued_at?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(response.body));
    } catch (cause) {
      throw new RegistryError(
        "REGISTRY_PROTOCOL",
        `[${context.source}] token answer of ${context.registry} is not JSON`,
        {
          registry: context.registry,
          cause,
        },
      );
    }
    const value = typeof body.token === "string" ? body.token : body.access_token;
    if (typeof value !== "string" || value === "") {
      throw new RegistryError(
        "REGISTRY_PROTOCOL",
        `[${context.source}] token answer of ${context.registry} has no token`,
        {
          registry: context.registry,
        },
      );
    }
    // The distribution spec: 60 s when the server says nothing.
    const lifetimeMs = (typeof body.expires_in === "number" && body.expires_in > 0 ? body.expires_in : 60) * 1000;
    const issued = typeof body.issued_at === "string" ? Date.parse(body.issued_at) : Number.NaN;
    const start = Number.isNaN(issued) ? now() : Math.min(issued, now());
    return { value, expiresAt: start + lifetimeMs - Math.min(EXPIRY_MARGIN_MS, lifetimeMs / 2) };
  }

  async function token(scope: string, credentials: CredentialSource | undefined, options: RequestHooks) {
    const key = tokenKey(credentials, scope);
    const cached = tokens.get(key);
    if (cached !== undefined && now() < cached.expiresAt) return { value: cached.value, fresh: false };
    let inFlight = pending.get(key);
    if (inFlight === undefined) {
      inFlight = fetchToken(scope, credentials, options).finally(() => pending.delete(key));
      pending.set(key, inFlight);
    }
    const fresh = await inFlight;
    tokens.set(key, fresh);
    return { value: fresh.value, fresh: true };
  }

  /** The header to send, and whether it holds a token fetched just now (no point refetching it). */
  async function authorization(scope: string, request: AuthRequest): Promise<{ header?: string; fresh: boolean }> {
    const options: RequestOptions = request.signal ? { signal: request.signal } : {};
    if (scheme === "basic") {
      const creds = await request.credentials?.get(options);
      return creds ? { header: basicHeader(creds.username, creds.password), fresh: false } : { fresh: false };
    }
    if (scheme === "bearer") {
      const result = await token(scope, request.credentials, request);
      return { header: `Bearer ${result.value}`, fresh: result.fresh };
    }
    return { fresh: false };
  }

  function forgetTokens(credentials: CredentialSource | undefined): void {
    const prefix = `${credentials?.id ?? "anonymous"}\n`;
    for (const key of tokens.keys()) if (key.startsWith(prefix)) tokens.delete(key);
  }

  return {
    async send(request) {
      let scope = request.scope;
      let challenged = false;
      let retriedToken = false;
      let refreshedCredentials = false;
      for (;;) {
        const { header: auth, fresh } = await authorization(scope, request);
        await request.pace?.(request.signal);
        const response = await send({
          method: request.method,
          url: request.url,
          headers: auth === undefined ? request.headers : { ...request.headers, authorization: auth },
          kind: request.kind,
          registry: context.registry,
          dispatcher: context.dispatcher,
          timeoutMs: context.timeoutMs,
          ...(context.maxBodyBytes === undefined ? {} : { maxBodyBytes: context.maxBodyBytes }),
          source: context.source,
          ...(request.signal ? { signal: request.signal } : {}),
          ...(request.onRequest ? { onRequest: request.onRequest } : {}),
        });
        if (response.status !== 401) return response;
        const challenge = pickChallenge(parseChallenges(response.headers.get("www-authenticate")));
        if (challenge === undefined) return response;
        const nextScheme = challenge.scheme === "bearer" ? "bearer" : "basic";
        const changed =
          nextScheme !== scheme || challenge.params.realm !== realm || challenge.params.service !== service;
        scheme = nextScheme;
        realm = challenge.params.realm;
        service = challenge.params.service;
        // Basic with nothing to send: asking again cannot help.
        if (scheme === "basic" && request.credentials === undefined) return response;
        const askedScope = scheme === "bearer" ? challenge.params.scope : undefined;
        if (!challenged && (auth === undefined || changed || (askedScope !== undefined && askedScope !== scope))) {
          challenged = true;
          if (askedScope !== undefined && askedScope !== "") scope = askedScope;
          continue;
        }
        if (scheme === "bearer" && !retriedToken && !fresh) {
          // A registry restart or a revoked token: one fresh token before blaming the credentials.
          retriedToken = true;
          tokens.delete(tokenKey(request.credentials, scope));
          continue;
        }
        if (!refreshedCredentials && request.credentials?.invalidate()) {
          // Expired credentials (an ECR token after 12 h): read them again, once.
          refreshedCredentials = true;
          forgetTokens(request.credentials);
          continue;
        }
        return response;
      }
    },
  };
}
