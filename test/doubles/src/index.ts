export * from "./gitea-api-double.js";
export * from "./github-api-double.js";
export * from "./gitlab-api-double.js";
export * from "./http-double.js";
export * from "./kube/index.js";
export * from "./webhook-double.js";
