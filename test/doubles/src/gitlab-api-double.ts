/**
 * A double of GitLab's REST API v4 for merge requests: no hosted API can run in tests. It keeps GitLab's paths
 * (`/projects/:url-encoded-path/merge_requests`), status codes, pagination headers (`X-Next-Page`, `X-Page`,
 * `X-Per-Page`, `X-Total`, `X-Total-Pages`, `Link`; `per_page` default 20, max 100) and error bodies (401
 * "401 Unauthorized", 409 "Another open merge request already exists for this source branch: !IID"), per
 * docs.gitlab.com/api/merge_requests. It serves one project; branches are not modelled.
 */
import {
  type DoubleResponse,
  type HttpDouble,
  listPage,
  type RecordedRequest,
  startOriginDouble,
} from "./http-double.js";

/** A merge request held by the double. */
export interface DoubleMergeRequest {
  readonly iid: number;
  title: string;
  description: string;
  readonly sourceBranch: string;
  readonly targetBranch: string;
  state: "opened" | "closed" | "merged";
  labels: string[];
}

/** Options of {@link startGitLabApiDouble}. */
export interface GitLabApiDoubleOptions {
  /** Project path served. @default `group/deploy` */
  readonly project?: string;
  /** Token accepted in `PRIVATE-TOKEN` or as `Bearer`. @default `glpat-double-token` */
  readonly token?: string;
  /** Largest page the double serves, to force pagination. @default 100 */
  readonly maxPerPage?: number;
}

/** A running GitLab API double. */
export interface GitLabApiDouble extends HttpDouble {
  /** Base URL to hand the provider as `apiUrl` (`…/api/v4`). */
  readonly url: string;
  readonly mergeRequests: DoubleMergeRequest[];
  /** Adds a merge request as if opened by someone else. */
  seedMergeRequest(mr: {
    sourceBranch: string;
    targetBranch: string;
    title?: string;
    state?: "opened" | "closed";
  }): DoubleMergeRequest;
  /** Runs right before a create is processed (simulate a racing client). */
  beforeCreate: (() => void) | undefined;
}

/** Starts a {@link GitLabApiDouble} on 127.0.0.1 with an ephemeral port. */
export async function startGitLabApiDouble(options: GitLabApiDoubleOptions = {}): Promise<GitLabApiDouble> {
  const project = options.project ?? "group/deploy";
  const token = options.token ?? "glpat-double-token";
  const mergeRequests: DoubleMergeRequest[] = [];
  let origin = "";

  function toJson(mr: DoubleMergeRequest) {
    return {
      id: 5000 + mr.iid,
      iid: mr.iid,
      project_id: 42,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      source_branch: mr.sourceBranch,
      target_branch: mr.targetBranch,
      labels: mr.labels,
      web_url: `https://gitlab.example.com/${project}/-/merge_requests/${mr.iid}`,
    };
  }

  function seedMergeRequest(input: {
    sourceBranch: string;
    targetBranch: string;
    title?: string;
    state?: "opened" | "closed";
  }): DoubleMergeRequest {
    const mr: DoubleMergeRequest = {
      iid: mergeRequests.length + 1,
      title: input.title ?? `seeded ${input.sourceBranch}`,
      description: "",
      sourceBranch: input.sourceBranch,
      targetBranch: input.targetBranch,
      state: input.state ?? "opened",
      labels: [],
    };
    mergeRequests.push(mr);
    return mr;
  }

  function splitLabels(value: unknown): string[] {
    if (Array.isArray(value)) return value.map(String);
    return typeof value === "string" && value !== "" ? value.split(",").map((label) => label.trim()) : [];
  }

  function handle(request: RecordedRequest): DoubleResponse {
    const auth = request.headers["private-token"] ?? request.headers.authorization?.replace(/^Bearer /, "");
    if (auth !== token) return { status: 401, body: { message: "401 Unauthorized" } };
    const prefix = `/api/v4/projects/${encodeURIComponent(project)}`;
    if (!request.path.startsWith(`${prefix}/`)) return { status: 404, body: { message: "404 Project Not Found" } };
    const rest = request.path.slice(prefix.length);
    const body = (request.body ?? {}) as Record<string, unknown>;

    if (rest === "/merge_requests" && request.method === "GET") {
      const state = request.query.state ?? "all";
      const matching = mergeRequests
        .filter((mr) => state === "all" || mr.state === state)
        .filter((mr) => !request.query.source_branch || mr.sourceBranch === request.query.source_branch)
        .filter((mr) => !request.query.target_branch || mr.targetBranch === request.query.target_branch)
        .sort((a, b) => b.iid - a.iid);
      const perPage = Math.min(Number(request.query.per_page ?? 20), 100, options.maxPerPage ?? 100);
      const { items, page, lastPage, link } = listPage(request, origin, matching, perPage);
      return {
        status: 200,
        body: items.map(toJson),
        headers: {
          "x-page": String(page),
          "x-per-page": String(perPage),
          "x-next-page": page < lastPage ? String(page + 1) : "",
          "x-prev-page": page > 1 ? String(page - 1) : "",
          "x-total": String(matching.length),
          "x-total-pages": String(lastPage),
          ...(link ? { link } : {}),
        },
      };
    }
    if (rest === "/merge_requests" && request.method === "POST") {
      for (const field of ["source_branch", "target_branch", "title"]) {
        if (typeof body[field] !== "string" || body[field] === "")
          return { status: 400, body: { error: `${field} is missing` } };
      }
      double.beforeCreate?.();
      const existing = mergeRequests.find(
        (mr) =>
          mr.state === "opened" && mr.sourceBranch === body.source_branch && mr.targetBranch === body.target_branch,
      );
      if (existing) {
        return {
          status: 409,
          body: { message: [`Another open merge request already exists for this source branch: !${existing.iid}`] },
        };
      }
      const mr = seedMergeRequest({
        sourceBranch: String(body.source_branch),
        targetBranch: String(body.target_branch),
        title: String(body.title),
      });
      mr.description = typeof body.description === "string" ? body.description : "";
      mr.labels = splitLabels(body.labels);
      return { status: 201, body: toJson(mr) };
    }
    const mrMatch = /^\/merge_requests\/(?<iid>\d+)$/.exec(rest);
    if (mrMatch && request.method === "PUT") {
      const mr = mergeRequests.find((candidate) => candidate.iid === Number(mrMatch.groups?.iid));
      if (!mr) return { status: 404, body: { message: "404 Not found" } };
      if (typeof body.title === "string") mr.title = body.title;
      if (typeof body.description === "string") mr.description = body.description;
      if (body.labels !== undefined) mr.labels = splitLabels(body.labels);
      mr.labels = [...new Set([...mr.labels, ...splitLabels(body.add_labels)])];
      return { status: 200, body: toJson(mr) };
    }
    return { status: 404, body: { error: "404 Not Found" } };
  }

  const http = await startOriginDouble((current) => {
    origin = current;
  }, handle);
  const double: GitLabApiDouble = {
    ...http,
    url: `${http.origin}/api/v4`,
    mergeRequests,
    seedMergeRequest,
    beforeCreate: undefined,
  };
  return double;
}
