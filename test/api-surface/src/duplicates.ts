import type { PackageSurface } from "./report.js";

/** One exported name that two or more packages declare separately. */
export interface NameDefinedTwice {
  readonly name: string;
  /** Each package exporting the name, with where its declaration lives. */
  readonly definitions: readonly { readonly package: string; readonly origin: string }[];
}

/** Names exported by several packages from different declarations; re-exports of one declaration are fine. */
export function definedTwice(surfaces: readonly PackageSurface[]): NameDefinedTwice[] {
  const byName = new Map<string, { package: string; origin: string }[]>();
  for (const surface of surfaces) {
    for (const exported of surface.names) {
      const list = byName.get(exported.name) ?? [];
      list.push({ package: surface.package.name, origin: exported.origin });
      byName.set(exported.name, list);
    }
  }
  return [...byName]
    .filter(([, definitions]) => new Set(definitions.map((d) => d.origin)).size > 1)
    .map(([name, definitions]) => ({ name, definitions }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
