/** Finding an application's write-back files: source type, kustomization file, target paths, YAML trees. */
import type { RepositoryFiles } from "../git/types.js";
import { declaredSourceType, writeBackSource } from "../source/application-sources.js";
import type { Application, ApplicationSourceSpec, ApplicationSourceType } from "../source/types.js";
import { KUSTOMIZATION_FILE_NAMES } from "./kustomization.js";
import { joinRepoPath } from "./path-safety.js";

/** What target resolution needs to know about the request. */
export interface TargetContext {
  readonly files: RepositoryFiles;
  readonly application: Partial<Pick<Application, "spec" | "status">>;
  readonly sourceType?: ApplicationSourceType;
  /** The source written in. @default core's write-back source rule (`writeBackSource`) */
  readonly source?: ApplicationSourceSpec;
}

/** The source the request writes in. */
export function primarySource(request: TargetContext): ApplicationSourceSpec | undefined {
  if (request.source !== undefined) return request.source;
  return request.application.spec === undefined ? undefined : writeBackSource({ spec: request.application.spec });
}

/** The source type: given, declared by the Application ({@link declaredSourceType}), or found in the files. */
export async function detectSourceType(request: TargetContext, sourcePath: string): Promise<ApplicationSourceType> {
  if (request.sourceType !== undefined) return request.sourceType;
  const declared = declaredSourceType(request.application, primarySource(request));
  if (declared !== undefined) return declared;
  if ((await findKustomization(request.files, sourcePath)) !== undefined) return "Kustomize";
  if ((await request.files.readFile(joinRepoPath(sourcePath, "Chart.yaml"))) !== null) return "Helm";
  return "Directory";
}

/** The kustomization file of `dir`, in kustomize's lookup order. */
export async function findKustomization(files: RepositoryFiles, dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILE_NAMES) {
    const path = joinRepoPath(dir, name);
    if ((await files.readFile(path)) !== null) return path;
  }
  return undefined;
}

/** `path` relative to the source directory, or to the repository root when it starts with `/`. */
export function targetPath(sourcePath: string, path: string | undefined, fallback: string): string {
  return path === undefined || path === "" ? joinRepoPath(sourcePath, fallback) : joinRepoPath(sourcePath, path);
}

/** `path` itself when it is a file, else the YAML files under it (recursively when asked). */
export async function yamlFilesUnder(files: RepositoryFiles, path: string, recurse: boolean): Promise<string[]> {
  if (path !== "" && (await files.readFile(path)) !== null) return [path];
  const prefix = path === "" ? "" : `${path}/`;
  const listed = await files.listFiles(path);
  return listed.filter((file) => {
    const rest = file.slice(prefix.length);
    if (!recurse && rest.includes("/")) return false;
    return /\.ya?ml$/i.test(rest) || rest === "Kustomization" || rest.endsWith("/Kustomization");
  });
}
