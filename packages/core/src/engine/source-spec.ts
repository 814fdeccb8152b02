/**
 * The `argocd` write-back: the image parameters of an Application source after a set of changes, merged with
 * what the source already holds (replace by name, append new), as argocd-image-updater does.
 */
import type { ImageChange } from "../editors/types.js";
import { normalizeImageName } from "../image/reference.js";
import type { ApplicationSourceSpec, ApplicationSourceType, HelmParameter } from "../source/types.js";

function tagValue(change: ImageChange): string {
  return change.pinDigest && change.newDigest !== undefined ? `${change.newTag}@${change.newDigest}` : change.newTag;
}

function setHelmParameter(parameters: HelmParameter[], name: string, value: string): void {
  const index = parameters.findIndex((parameter) => parameter.name === name);
  const entry = { name, value, forceString: true };
  if (index === -1) parameters.push(entry);
  else parameters[index] = entry;
}

/** The image a `kustomize.images` entry is about (`name=new:tag` or `name:tag`), normalized: the key entries merge by. */
export function kustomizeImageKey(entry: string): string {
  const equals = entry.indexOf("=");
  const name = equals === -1 ? entry : entry.slice(0, equals);
  return normalizeImageName(name) ?? name;
}

/** Applies `changes` to the image parameters of `source`; returns a new object and leaves `source` untouched. */
export function applyChangesToSource(
  source: ApplicationSourceSpec,
  changes: readonly ImageChange[],
  sourceType: ApplicationSourceType,
): ApplicationSourceSpec {
  if (sourceType === "Kustomize") {
    const images = [...(source.kustomize?.images ?? [])];
    for (const change of changes) {
      const original = change.kustomizeImageName ?? change.image;
      const value = `${change.kustomizeImageName === undefined ? "" : `${original}=`}${change.image}:${tagValue(change)}`;
      const key = normalizeImageName(original) ?? original;
      const index = images.findIndex((entry) => kustomizeImageKey(entry) === key);
      if (index === -1) images.push(value);
      else images[index] = value;
    }
    return { ...source, kustomize: { ...source.kustomize, images } };
  }
  if (sourceType === "Plugin") {
    const env = [...(source.plugin?.env ?? [])];
    for (const change of changes) {
      const set = (name: string | undefined, value: string) => {
        if (name === undefined) return;
        const index = env.findIndex((entry) => entry.name === name);
        if (index === -1) env.push({ name, value });
        else env[index] = { name, value };
      };
      if (change.plugin?.spec !== undefined) set(change.plugin.spec, `${change.image}:${tagValue(change)}`);
      else {
        set(change.plugin?.name, change.image);
        set(change.plugin?.tag, tagValue(change));
      }
    }
    return { ...source, plugin: { ...source.plugin, env } };
  }
  const parameters = [...(source.helm?.parameters ?? [])];
  for (const change of changes) {
    if (change.helm?.spec !== undefined)
      setHelmParameter(parameters, change.helm.spec, `${change.image}:${tagValue(change)}`);
    else {
      setHelmParameter(parameters, change.helm?.name ?? "image.name", change.image);
      setHelmParameter(parameters, change.helm?.tag ?? "image.tag", tagValue(change));
    }
  }
  return { ...source, helm: { ...source.helm, parameters } };
}
