/**
 * A double of the Gitea / Forgejo REST API v1 for pull requests: no hosted API can run in tests. It keeps
 * Gitea's paths, status codes (201 for create *and* edit), `Link` + `X-Total-Count` pagination (`limit`, max 50)
 * and error bodies (`{ message, url }`; 409 "pull request already exists for these targets [...]"), per the
 * Gitea API swagger. It serves one repository; branches are not modelled.
 */
import { type DoubleResponse, listPage, type RecordedRequest, startOriginDouble } from "./http-double.js";
import { createPullStore, type DoublePull, type PullApiDouble } from "./pull-store.js";

/** Options of {@link startGiteaApiDouble}. */
export interface GiteaApiDoubleOptions {
  /** `owner/name` served. @default `org/deploy` */
  readonly repository?: string;
  /** Token accepted as `token` or `Bearer`. @default `gitea-double-token` */
  readonly token?: string;
  /** Largest page the double serves (Gitea's `MAX_RESPONSE_ITEMS`). @default 50 */
  readonly maxPerPage?: number;
}

/** A running Gitea API double; its `url` ends in `/api/v1`. */
export interface GiteaApiDouble extends PullApiDouble {}

/** Starts a {@link GiteaApiDouble} on 127.0.0.1 with an ephemeral port. */
export async function startGiteaApiDouble(options: GiteaApiDoubleOptions = {}): Promise<GiteaApiDouble> {
  const repository = options.repository ?? "org/deploy";
  const token = options.token ?? "gitea-double-token";
  const store = createPullStore();
  const { pulls, seedPull } = store;
  let origin = "";
  const swagger = () => `${origin}/api/swagger`;
  const notFound = (): DoubleResponse => ({
    status: 404,
    body: { message: "The target couldn't be found.", url: swagger() },
  });

  function toJson(pull: DoublePull) {
    return {
      id: 700 + pull.number,
      number: pull.number,
      title: pull.title,
      body: pull.body,
      state: pull.state,
      html_url: `https://gitea.example.com/${repository}/pulls/${pull.number}`,
      labels: pull.labels.map((name, index) => ({ id: index + 1, name, color: "ededed" })),
      head: { label: pull.head, ref: pull.head, repo_id: 1 },
      base: { label: pull.base, ref: pull.base, repo_id: 1 },
    };
  }

  function handle(request: RecordedRequest): DoubleResponse {
    const auth = request.headers.authorization ?? "";
    if (auth !== `token ${token}` && auth !== `Bearer ${token}`) {
      return { status: 401, body: { message: "token is required", url: swagger() } };
    }
    const prefix = `/api/v1/repos/${repository}`;
    if (!request.path.startsWith(`${prefix}/`)) return notFound();
    const rest = request.path.slice(prefix.length);
    const body = (request.body ?? {}) as Record<string, unknown>;

    if (rest === "/pulls" && request.method === "GET") {
      const state = request.query.state ?? "open";
      const matching = pulls
        .filter((pull) => state === "all" || pull.state === state)
        .sort((a, b) => b.number - a.number);
      const perPage = Math.min(Number(request.query.limit ?? 30), options.maxPerPage ?? 50);
      const { items, link } = listPage(request, origin, matching, perPage);
      return {
        status: 200,
        body: items.map(toJson),
        headers: { "x-total-count": String(matching.length), ...(link ? { link } : {}) },
      };
    }
    if (rest === "/pulls" && request.method === "POST") {
      for (const field of ["head", "base", "title"]) {
        if (typeof body[field] !== "string" || body[field] === "") {
          return {
            status: 422,
            body: { message: `[${field[0]?.toUpperCase()}${field.slice(1)}]: Required`, url: swagger() },
          };
        }
      }
      double.beforeCreate?.();
      const existing = pulls.find(
        (pull) => pull.state === "open" && pull.head === body.head && pull.base === body.base,
      );
      if (existing) {
        return {
          status: 409,
          body: {
            message: `pull request already exists for these targets [id: ${700 + existing.number}, issue_id: ${existing.number}, head_repo_id: 1, base_repo_id: 1, head_branch: ${existing.head}, base_branch: ${existing.base}]`,
            url: swagger(),
          },
        };
      }
      const pull = seedPull({ head: String(body.head), base: String(body.base), title: String(body.title) });
      pull.body = typeof body.body === "string" ? body.body : "";
      return { status: 201, body: toJson(pull) };
    }
    const pullMatch = /^\/pulls\/(?<number>\d+)$/.exec(rest);
    if (pullMatch && request.method === "PATCH") {
      const pull = store.byNumber(pullMatch);
      if (!pull) return notFound();
      store.edit(pull, body);
      return { status: 201, body: toJson(pull) };
    }
    const labelMatch = /^\/issues\/(?<number>\d+)\/labels$/.exec(rest);
    if (labelMatch && request.method === "POST") {
      const pull = store.byNumber(labelMatch);
      if (!pull) return notFound();
      store.addLabels(pull, body);
      return { status: 200, body: toJson(pull).labels };
    }
    return notFound();
  }

  const http = await startOriginDouble((current) => {
    origin = current;
  }, handle);
  const double: GiteaApiDouble = { ...http, url: `${http.origin}/api/v1`, pulls, seedPull, beforeCreate: undefined };
  return double;
}
