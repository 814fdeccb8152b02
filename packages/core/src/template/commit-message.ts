/** Commit message data and templates, matching argocd-image-updater's `.AppName` / `.AppChanges[]` model. */
import type { ImageChange } from "../editors/types.js";
import type { ApplicationRef } from "../source/types.js";
import { templateImageName, templateTag } from "./image-name.js";
import { parseTemplate, type Template } from "./render.js";

/** argocd-image-updater's default commit message template, byte for byte (trailing newline included). */
export const DEFAULT_COMMIT_MESSAGE_TEMPLATE = `build: automatic update of {{ .AppName }}

{{ range .AppChanges -}}
updates image {{ .Image }} tag '{{ .OldTag }}' to '{{ .NewTag }}'
{{ end -}}
`;

/** The message argocd-image-updater falls back to when a template fails to execute. */
export function fallbackCommitMessage(appName: string): string {
  return `build: update of application ${appName}`;
}

/** One image change as commit templates see it (`.AppChanges[]`). */
export interface CommitMessageChange {
  /** Image name without registry (`myorg/myapp`), as argocd-image-updater's `.Image`. */
  readonly Image: string;
  /** Alias from `image-list`, empty when none. */
  readonly Alias: string;
  /** Old tag, or the old digest for digest-pinned images; empty when unknown. */
  readonly OldTag: string;
  /** New tag, or the new digest for digest-pinned images. */
  readonly NewTag: string;
  /** OCI labels of the new image (empty when unknown). */
  readonly Labels: Readonly<Record<string, string>>;
}

/** One application's part of a commit (`.Applications[]`). */
export interface CommitMessageApplication {
  readonly AppName: string;
  readonly AppNamespace: string;
  readonly AppChanges: readonly CommitMessageChange[];
}

/**
 * What commit message templates render from. Besides argocd-image-updater's `.AppName` and `.AppChanges`, it
 * has the seed's single-change fields `.Image`, `.OldTag`, `.NewTag` (several changes join with `, `) and, for
 * commits covering several applications, `.Applications[]` (then `.AppName` joins the names with `, `).
 */
export interface CommitMessageData extends CommitMessageApplication {
  readonly Image: string;
  readonly OldTag: string;
  readonly NewTag: string;
  readonly Applications: readonly CommitMessageApplication[];
}

/** One application and its changes, as input to {@link commitMessageData}. */
export interface ApplicationChanges {
  readonly application: ApplicationRef;
  readonly changes: readonly ImageChange[];
}

function toCommitChange(change: ImageChange): CommitMessageChange {
  return {
    Image: templateImageName(change.image),
    Alias: change.alias ?? "",
    OldTag: templateTag(change.oldTag, change.oldDigest, change.pinDigest),
    NewTag: templateTag(change.newTag, change.newDigest, change.pinDigest),
    Labels: change.labels ?? {},
  };
}

function distinctJoin(values: readonly string[]): string {
  return [...new Set(values)].join(", ");
}

/** Template data for one application's changes, or for several applications batched into one commit. */
export function commitMessageData(application: ApplicationRef, changes: readonly ImageChange[]): CommitMessageData;
export function commitMessageData(applications: readonly ApplicationChanges[]): CommitMessageData;
export function commitMessageData(
  first: ApplicationRef | readonly ApplicationChanges[],
  changes: readonly ImageChange[] = [],
): CommitMessageData {
  const groups: readonly ApplicationChanges[] = Array.isArray(first)
    ? (first as readonly ApplicationChanges[])
    : [{ application: first as ApplicationRef, changes }];
  const applications = groups.map(
    (group): CommitMessageApplication => ({
      AppName: group.application.name,
      AppNamespace: group.application.namespace,
      AppChanges: group.changes.map(toCommitChange),
    }),
  );
  const all = applications.flatMap((app) => app.AppChanges);
  return {
    AppName: distinctJoin(applications.map((app) => app.AppName)),
    AppNamespace: distinctJoin(applications.map((app) => app.AppNamespace)),
    AppChanges: all,
    Image: distinctJoin(all.map((c) => c.Image)),
    OldTag: distinctJoin(all.map((c) => c.OldTag)),
    NewTag: distinctJoin(all.map((c) => c.NewTag)),
    Applications: applications,
  };
}

/**
 * Renders a commit message. `template` is template text or a parsed {@link Template}; absent, the default.
 * Throws `TEMPLATE_INVALID` when the template does not parse or execute; callers wanting argocd-image-updater's
 * forgiving behaviour catch it and use `fallbackCommitMessage`.
 */
export function renderCommitMessage(template: string | Template | undefined, data: CommitMessageData): string {
  const parsed =
    template === undefined || typeof template === "string"
      ? parseTemplate(template ?? DEFAULT_COMMIT_MESSAGE_TEMPLATE, { name: "commit-message" })
      : template;
  return parsed.render(data);
}
