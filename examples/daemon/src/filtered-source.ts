import { type Application, type ApplicationSource, compileGlob } from "@image-updater/core";
import type { LabelSelector } from "./config/label-selector.js";

/** Which applications the daemon handles (`--match-application-name`, `--match-application-label`). */
export interface ApplicationFilter {
  /** Go `filepath.Match` globs on the application name; empty matches every name. */
  readonly names: readonly string[];
  readonly selector: LabelSelector | null;
}

/** True when `application` passes `filter`, as argocd-image-updater's name and label filters decide. */
export function matchesApplication(application: Application, filter: ApplicationFilter): boolean {
  if (filter.selector && !filter.selector.matches(application.labels)) return false;
  if (filter.names.length === 0) return true;
  return filter.names.some((pattern) => compileGlob(pattern).matches?.(application.name) === true);
}

/** Wraps `source` so that `list` and `watch` only see the applications `filter` lets through. */
export function filterApplicationSource(source: ApplicationSource, filter: ApplicationFilter): ApplicationSource {
  if (filter.names.length === 0 && filter.selector === null) return source;
  const watch = source.watch?.bind(source);
  return {
    id: source.id,
    async list(options) {
      return (await source.list(options)).filter((application) => matchesApplication(application, filter));
    },
    ...(watch
      ? {
          async *watch(options) {
            for await (const event of watch(options)) {
              if (event.type === "delete" || matchesApplication(event.application, filter)) yield event;
            }
          },
        }
      : {}),
  };
}
