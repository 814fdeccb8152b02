/**
 * RBAC rule matching as the API server's authorizer does it for resource requests, so a test can check that
 * a Role allows every request a run made. The double itself does not enforce RBAC.
 */
import type { KubeRequest } from "./kube-api-double.js";

/** One `rules` entry of a Role or ClusterRole. */
export interface PolicyRule {
  readonly apiGroups?: readonly string[];
  readonly resources?: readonly string[];
  readonly verbs: readonly string[];
  readonly resourceNames?: readonly string[];
}

const matches = (allowed: readonly string[] | undefined, value: string) =>
  allowed !== undefined && (allowed.includes("*") || allowed.includes(value));

/** True when one of `rules` allows `request` (`resource/subresource` for subresources, as RBAC names them). */
export function rulesAllow(
  rules: readonly PolicyRule[],
  request: Pick<KubeRequest, "verb" | "group" | "resource" | "subresource" | "name">,
): boolean {
  const resource = request.subresource ? `${request.resource}/${request.subresource}` : request.resource;
  return rules.some(
    (rule) =>
      matches(rule.apiGroups, request.group) &&
      matches(rule.resources, resource) &&
      matches(rule.verbs, request.verb) &&
      (rule.resourceNames === undefined ||
        rule.resourceNames.length === 0 ||
        rule.resourceNames.includes(request.name)),
  );
}

/** The resource requests `rules` would have refused (discovery is open to every authenticated user). */
export function deniedRequests(rules: readonly PolicyRule[], requests: readonly KubeRequest[]): KubeRequest[] {
  return requests.filter((request) => request.verb !== "discovery" && !rulesAllow(rules, request));
}

/** The rules of every object of `kind` (`Role` or `ClusterRole`) among rendered manifests. */
export function policyRulesOf(manifests: readonly Record<string, unknown>[], kind = "Role"): PolicyRule[] {
  return manifests.filter((m) => m.kind === kind).flatMap((m) => (m.rules as PolicyRule[] | undefined) ?? []);
}
