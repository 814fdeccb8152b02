/**
 * A double of GitHub's REST API for pull requests: no hosted API can run in tests. It keeps GitHub's paths,
 * status codes, `Link` pagination (`per_page` default 30, max 100) and error bodies (401 "Bad credentials",
 * 422 "Validation Failed" with "A pull request already exists for OWNER:BRANCH."), per docs.github.com/rest.
 * It serves one repository, or several (each numbering its own pull requests); branches are not modelled.
 */
import { type DoubleResponse, listPage, type RecordedRequest, startOriginDouble } from "./http-double.js";
import { createPullStore, type DoublePull, type PullApiDouble, type PullStore } from "./pull-store.js";

export type { DoublePull } from "./pull-store.js";

/** Options of {@link startGitHubApiDouble}. */
export interface GitHubApiDoubleOptions {
  /** `owner/name` served. @default `org/deploy` */
  readonly repository?: string;
  /** More `owner/name`s served beside `repository`, as one GitHub serves many. */
  readonly moreRepositories?: readonly string[];
  /** Token accepted as `Bearer` or `token`. @default `ghp_double_token` */
  readonly token?: string;
  /** Largest page the double serves, to force pagination. @default 100 */
  readonly maxPerPage?: number;
}

/** A running GitHub API double. */
export interface GitHubApiDouble extends PullApiDouble {
  /** Answers label calls with 403, as a token without issues scope gets. */
  failLabels: boolean;
  /** The pull requests of one served repository (`pulls` are `repository`'s). */
  pullsOf(repository: string): DoublePull[];
}

const DOCS = "https://docs.github.com/rest";

/** Starts a {@link GitHubApiDouble} on 127.0.0.1 with an ephemeral port. */
export async function startGitHubApiDouble(options: GitHubApiDoubleOptions = {}): Promise<GitHubApiDouble> {
  const token = options.token ?? "ghp_double_token";
  const stores = new Map<string, PullStore>(
    [options.repository ?? "org/deploy", ...(options.moreRepositories ?? [])].map((name) => [name, createPullStore()]),
  );
  const firstStore = [...stores.values()][0] as PullStore;
  let origin = "";

  function handle(request: RecordedRequest): DoubleResponse {
    const auth = request.headers.authorization ?? "";
    if (auth !== `Bearer ${token}` && auth !== `token ${token}`) {
      return { status: 401, body: { message: "Bad credentials", documentation_url: DOCS, status: "401" } };
    }
    const served = /^\/repos\/(?<repository>[^/]+\/[^/]+)\//.exec(request.path)?.groups?.repository ?? "";
    const store = stores.get(served);
    return store === undefined ? notFound() : handleRepository(request, served, store);
  }

  function handleRepository(request: RecordedRequest, repository: string, store: PullStore): DoubleResponse {
    const owner = repository.split("/")[0] ?? "";
    const { pulls, seedPull } = store;
    const toJson = (pull: DoublePull) => ({
      url: `${origin}/repos/${repository}/pulls/${pull.number}`,
      id: 1000 + pull.number,
      number: pull.number,
      state: pull.state,
      title: pull.title,
      body: pull.body,
      html_url: `https://github.com/${repository}/pull/${pull.number}`,
      labels: pull.labels.map((name, index) => ({ id: index + 1, name, color: "ededed", default: false })),
      head: { label: `${owner}:${pull.head}`, ref: pull.head, repo: { full_name: repository } },
      base: { label: `${owner}:${pull.base}`, ref: pull.base, repo: { full_name: repository } },
    });
    const rest = request.path.slice(`/repos/${repository}`.length);
    const body = (request.body ?? {}) as Record<string, unknown>;

    if (rest === "/pulls" && request.method === "GET") {
      const state = request.query.state ?? "open";
      const matching = pulls
        .filter((pull) => state === "all" || pull.state === state)
        .filter((pull) => !request.query.head || `${owner}:${pull.head}` === request.query.head)
        .filter((pull) => !request.query.base || pull.base === request.query.base)
        .sort((a, b) => b.number - a.number);
      const perPage = Math.min(Number(request.query.per_page ?? 30), 100, options.maxPerPage ?? 100);
      const { items, link } = listPage(request, origin, matching, perPage);
      return { status: 200, body: items.map(toJson), ...(link ? { headers: { link } } : {}) };
    }
    if (rest === "/pulls" && request.method === "POST") {
      for (const field of ["title", "head", "base"]) {
        if (typeof body[field] !== "string" || body[field] === "")
          return validationFailed({ field, code: "missing_field" });
      }
      double.beforeCreate?.();
      const head = String(body.head).replace(new RegExp(`^${owner}:`), "");
      if (pulls.some((pull) => pull.state === "open" && pull.head === head && pull.base === body.base)) {
        return validationFailed({ code: "custom", message: `A pull request already exists for ${owner}:${head}.` });
      }
      const pull = seedPull({ head, base: String(body.base), title: String(body.title) });
      pull.body = typeof body.body === "string" ? body.body : "";
      return {
        status: 201,
        body: toJson(pull),
        headers: { location: `${origin}/repos/${repository}/pulls/${pull.number}` },
      };
    }
    const pullMatch = /^\/pulls\/(?<number>\d+)$/.exec(rest);
    if (pullMatch && request.method === "PATCH") {
      const pull = store.byNumber(pullMatch);
      if (!pull) return notFound();
      store.edit(pull, body);
      if (body.state === "open" || body.state === "closed") pull.state = body.state;
      return { status: 200, body: toJson(pull) };
    }
    const labelMatch = /^\/issues\/(?<number>\d+)\/labels$/.exec(rest);
    if (labelMatch && request.method === "POST") {
      if (double.failLabels) {
        return {
          status: 403,
          body: { message: "Resource not accessible by integration", documentation_url: DOCS, status: "403" },
        };
      }
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
  const double: GitHubApiDouble = {
    ...http,
    url: http.origin,
    pulls: firstStore.pulls,
    seedPull: firstStore.seedPull,
    pullsOf: (repository) => stores.get(repository)?.pulls ?? [],
    failLabels: false,
    beforeCreate: undefined,
  };
  return double;
}

function notFound(): DoubleResponse {
  return { status: 404, body: { message: "Not Found", documentation_url: DOCS, status: "404" } };
}

function validationFailed(error: Record<string, string>): DoubleResponse {
  return {
    status: 422,
    body: {
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", ...error }],
      documentation_url: `${DOCS}/pulls/pulls#create-a-pull-request`,
      status: "422",
    },
  };
}
