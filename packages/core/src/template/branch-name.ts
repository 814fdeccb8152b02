/** Branch name data, rendering and git ref sanitising (argocd-image-updater's `TemplateBranchName`). */
import { createHash } from "node:crypto";
import type { ImageChange } from "../editors/types.js";
import type { ApplicationRef } from "../source/types.js";
import { templateImageName, templateTag } from "./image-name.js";
import { TemplateError } from "./position.js";
import { parseTemplate, type Template } from "./render.js";

/** Longest branch name written; longer renders are cut, as argocd-image-updater does. */
export const MAX_BRANCH_NAME_LENGTH = 255;

/** One image change as branch templates see it (`.Images[]`). */
export interface BranchNameImage {
  /** Image name without registry (`myorg/myapp`). */
  readonly Name: string;
  readonly Alias: string;
  readonly OldTag: string;
  readonly NewTag: string;
}

/** What branch name templates render from. */
export interface BranchNameData {
  readonly Images: readonly BranchNameImage[];
  /** Hex SHA-256 over `<name>-<old>-<new>,` for every change, in order. */
  readonly SHA256: string;
  readonly AppName: string;
  readonly AppNamespace: string;
  /** Short key of the write target (see {@link computeTargetKey}); empty when not given. */
  readonly TargetKey: string;
}

/** Input of {@link branchNameData}. */
export interface BranchNameDataInput {
  readonly application: ApplicationRef;
  readonly changes: readonly ImageChange[];
  readonly targetKey?: string;
}

/** Template data for a write branch name. */
export function branchNameData(input: BranchNameDataInput): BranchNameData {
  const hash = createHash("sha256");
  const images = input.changes.map((change): BranchNameImage => {
    const image: BranchNameImage = {
      Name: templateImageName(change.image),
      Alias: change.alias ?? "",
      OldTag: templateTag(change.oldTag, change.oldDigest, change.pinDigest),
      NewTag: templateTag(change.newTag, change.newDigest, change.pinDigest),
    };
    hash.update(`${image.Name}-${image.OldTag}-${image.NewTag},`);
    return image;
  });
  return {
    Images: images,
    SHA256: hash.digest("hex"),
    AppName: input.application.name,
    AppNamespace: input.application.namespace,
    TargetKey: input.targetKey ?? "",
  };
}

/** First 8 hex characters of SHA-256 over `<repository>|<branch>|<target>`: one key per write target. */
export function computeTargetKey(repository: string, branch: string, target: string): string {
  return createHash("sha256").update(`${repository}|${branch}|${target}`).digest("hex").slice(0, 8);
}

/**
 * Turns any text into a valid git branch name (`git check-ref-format --branch` rules): forbidden characters
 * (space, control characters, `~ ^ : ? * [ \`) become `-`, `..` and `@{` are broken up, empty and `.`-led
 * components and `.lock` endings are fixed, leading `-` and leading/trailing `/` are removed, and the result
 * is cut to {@link MAX_BRANCH_NAME_LENGTH} characters. Returns `""` when nothing usable is left.
 */
export function sanitizeBranchName(name: string): string {
  let result = name.replace(/[\x00-\x20\x7f~^:?*[\\]/g, "-");
  for (let previous = ""; previous !== result; ) {
    previous = result;
    result = result
      .replace(/\.{2,}/g, ".")
      .replace(/@\{/g, "@-")
      .replace(/\/{2,}/g, "/")
      .split("/")
      .map((component) => component.replace(/^\.+/, "").replace(/\.lock$/i, "-lock"))
      .filter((component) => component !== "")
      .join("/")
      .replace(/^-+/, "")
      .replace(/[./]+$/, "");
    if ([...result].length > MAX_BRANCH_NAME_LENGTH) result = [...result].slice(0, MAX_BRANCH_NAME_LENGTH).join("");
  }
  return result === "@" ? "" : result;
}

/**
 * Renders a branch name template and sanitises the result to a valid git ref name, at most 255 characters.
 * Throws `TEMPLATE_INVALID` when the template is malformed or renders an empty name.
 */
export function renderBranchName(template: string | Template, data: BranchNameData): string {
  const parsed = typeof template === "string" ? parseTemplate(template, { name: "branch-name" }) : template;
  const name = sanitizeBranchName(parsed.render(data));
  if (name === "") {
    throw new TemplateError(`template: ${parsed.name}: the branch name renders empty`, { line: 1, column: 1 });
  }
  return name;
}

/**
 * The seed's `git-branch-prefix` form: `<prefix><last path segment of the image name>-<new tag>`, several images
 * joined with `-` (`image-update/` → `image-update/myapp-1.2.3`). Sanitised like {@link renderBranchName}.
 */
export function branchNameFromPrefix(prefix: string, data: BranchNameData): string {
  const parts = data.Images.map((image) => `${image.Name.slice(image.Name.lastIndexOf("/") + 1)}-${image.NewTag}`);
  const name = sanitizeBranchName(prefix + parts.join("-"));
  if (name === "") throw new TemplateError("the branch name from `git-branch-prefix` is empty", { line: 1, column: 1 });
  return name;
}
