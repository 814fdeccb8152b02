/**
 * Write-back settings: `write-back-method`, `write-back-target`, `git-branch`. Shared by the annotation
 * and CRD front ends. Branch names are rendered by the template module (`renderBranchName`,
 * `branchNameFromPrefix`).
 */
import type { Diagnostic } from "./diagnostic.js";
import { diag, type Setting, type SettingContext } from "./settings.js";
import type { GitCredentialsSource, WriteBackMethodName, WriteBackTarget } from "./types.js";

/** Default `git-branch-prefix` of the seed's `git:branch` method. */
export const DEFAULT_BRANCH_PREFIX = "image-update/";

/** A parsed `write-back-method`. */
export interface WriteBackMethod {
  readonly method: WriteBackMethodName;
  /** Git credentials, for `git*` methods. */
  readonly credentials?: GitCredentialsSource;
  /** `git:branch`: push to a branch named after the new tags instead of the base branch. */
  readonly branchPerUpdate: boolean;
}

const METHODS = "`argocd`, `git`, `git:repocreds`, `git:secret:<namespace>/<name>`, `git:branch` or `git:noop`";

/**
 * Parses `write-back-method`: `argocd`, `git` (= `git:repocreds`), `git:secret:<ns>/<name>`,
 * `git:secret:<name>` (the application's namespace), and the seed's `git:branch` (a branch per update) and
 * `git:noop` (dry run). Anything else is an error and gives `undefined`: the application must not be written.
 */
export function parseWriteBackMethod(
  text: string,
  context: SettingContext,
  applicationNamespace?: string,
): Setting<WriteBackMethod | undefined> {
  const written = String(text).trim();
  const lower = written.toLowerCase();
  const repocreds: GitCredentialsSource = { kind: "repocreds" };
  const ok = (value: WriteBackMethod): Setting<WriteBackMethod> => ({ value, diagnostics: [] });
  if (lower === "argocd") return ok({ method: "argocd", branchPerUpdate: false });
  if (lower === "git" || lower === "git:repocreds") {
    return ok({ method: "git", credentials: repocreds, branchPerUpdate: false });
  }
  if (lower === "git:branch") return ok({ method: "git", credentials: repocreds, branchPerUpdate: true });
  if (lower === "git:noop") return ok({ method: "git:noop", credentials: repocreds, branchPerUpdate: false });
  if (lower.startsWith("git:secret:")) {
    const path = written.slice("git:secret:".length).trim();
    const parts = path.split("/");
    const [first = "", second] = parts;
    const namespace = parts.length === 2 ? first : applicationNamespace;
    const name = parts.length === 2 ? (second ?? "") : first;
    if (parts.length > 2 || name === "" || namespace === "" || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      return invalid(written, context, "write `git:secret:<namespace>/<secret name>`");
    }
    if (namespace === undefined) {
      return invalid(
        written,
        context,
        "the application's namespace is unknown here; write `git:secret:<namespace>/<name>`",
      );
    }
    return ok({
      method: "git",
      credentials: { kind: "secret", namespace, name },
      branchPerUpdate: false,
    });
  }
  return invalid(written, context, `write one of ${METHODS}`);
}

function invalid(written: string, context: SettingContext, hint: string): Setting<undefined> {
  return {
    value: undefined,
    diagnostics: [
      diag(context, "error", `invalid write-back method \`${written}\`; ${hint}. The application is not updated`),
    ],
  };
}

const KUSTOMIZATION_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** The `write-back-target` kinds written `<kind>[:<path>]`. */
const NAMED_TARGETS = ["kustomization", "helmvalues", "manifests", "flux"] as const;

/** The allowed forms, for diagnostics. */
export const WRITE_BACK_TARGET_FORMS =
  "`kustomization[:<dir>]`, `helmvalues[:<file>]`, `manifests[:<dir or file>]`, `flux[:<dir or file>]`, " +
  "a parameter-override file path ending in `.yaml` or `.yml`, or nothing for the default " +
  "(`.argocd-source-<app>.yaml`; the plain manifests for a Directory application)";

/**
 * Parses `write-back-target`, the one parser for annotations and the CRD alike: `kustomization[:<dir>]`,
 * `helmvalues[:<file>]`, `manifests[:<dir or file>]`, `flux[:<dir or file>]`, or a literal override file
 * path ending in `.yaml`/`.yml` (argocd-image-updater's backward-compatible form). Anything else, such as a
 * misspelt kind, is an error naming the allowed forms and gives `undefined`: it is never taken for a file
 * name. A literal path naming a kustomization file is refused (it would be overwritten with override
 * content): write `kustomization:<dir>` instead.
 */
export function parseWriteBackTarget(text: string, context: SettingContext): Setting<WriteBackTarget | undefined> {
  const written = String(text).trim();
  if (written === "") return { value: { kind: "default" }, diagnostics: [] };
  const colon = written.indexOf(":");
  const head = colon === -1 ? written : written.slice(0, colon);
  const path = colon === -1 ? undefined : written.slice(colon + 1).trim();
  const named = NAMED_TARGETS.find((kind) => kind === head.trim());
  if (named !== undefined) return { value: path ? { kind: named, path } : { kind: named }, diagnostics: [] };
  const refuse = (message: string): Setting<undefined> => ({
    value: undefined,
    diagnostics: [diag(context, "error", `${message}. The application is not updated`)],
  });
  const base = written.split("/").pop() ?? "";
  if (KUSTOMIZATION_FILES.has(base)) {
    const dir = written.slice(0, written.length - base.length).replace(/\/$/, "") || ".";
    return refuse(
      `write-back target \`${written}\` would overwrite a kustomization file with parameter overrides; write \`kustomization:${dir}\``,
    );
  }
  if (colon !== -1 || !/\.ya?ml$/i.test(written)) {
    return refuse(`unknown write-back target \`${written}\`; write one of ${WRITE_BACK_TARGET_FORMS}`);
  }
  return { value: { kind: "file", path: written }, diagnostics: [] };
}

/** A parsed `git-branch`. */
export interface GitBranchSetting {
  readonly baseBranch?: string;
  /** Branch name template for the push branch (`base:target`, `:target`). */
  readonly writeBranchTemplate?: string;
}

/** Parses `git-branch`: `<branch>`, `<base>:<target>` or `:<target>`; `target` may be a template. */
export function parseGitBranch(text: string, context: SettingContext): Setting<GitBranchSetting> {
  const written = String(text).trim();
  const colon = written.indexOf(":");
  const base = (colon === -1 ? written : written.slice(0, colon)).trim();
  const target = colon === -1 ? "" : written.slice(colon + 1).trim();
  const value: GitBranchSetting = {
    ...(base === "" ? {} : { baseBranch: base }),
    ...(target === "" ? {} : { writeBranchTemplate: target }),
  };
  if (colon !== -1 && target === "") {
    return {
      value,
      diagnostics: [
        diag(
          context,
          "warning",
          `git-branch \`${written}\` names no target after \`:\`; write \`${base}\` or \`${base}:<target>\``,
        ),
      ],
    };
  }
  if (/\s/.test(base)) {
    return {
      value,
      diagnostics: [diag(context, "error", `git-branch base \`${base}\` contains spaces; branch names have none`)],
    };
  }
  return { value, diagnostics: [] };
}

/**
 * Warns when a repository URL embeds a password or token (`https://user:token@host/…`): it would travel in
 * configuration and risk ending up in logs. The URL is not echoed.
 */
export function checkRepositoryUrl(url: string, context: SettingContext): readonly Diagnostic[] {
  let password = "";
  try {
    password = new URL(url.trim()).password;
  } catch {
    return [];
  }
  if (password === "") return [];
  return [
    diag(
      context,
      "warning",
      "the repository URL embeds a password or token; remove `user:token@` and use `git:secret:<namespace>/<name>` or repository credentials",
    ),
  ];
}
