/** The strategy registry: built-in strategies by name and alias, plus any a user registers. */
import { createAlphabeticalStrategy } from "./alphabetical.js";
import { createDigestStrategy } from "./digest.js";
import { createNewestBuildStrategy } from "./newest-build.js";
import { createNumericalStrategy } from "./numerical.js";
import { createSemverStrategy } from "./semver.js";
import type { StrategyRegistry, UpdateStrategy } from "./types.js";

/** Options of {@link createStrategyRegistry}. */
export interface StrategyRegistryOptions {
  /** Start with semver, newest-build (`latest`), alphabetical (`name`), digest and numerical. @default true */
  readonly builtins?: boolean;
  /** More strategies to register, in order. */
  readonly strategies?: readonly UpdateStrategy[];
}

/** The strategies every registry starts with, freshly created. */
export function createBuiltinStrategies(): readonly UpdateStrategy[] {
  return [
    createSemverStrategy(),
    createNewestBuildStrategy(),
    createAlphabeticalStrategy(),
    createDigestStrategy(),
    createNumericalStrategy(),
  ];
}

/**
 * Creates a registry. Names and aliases are matched case-insensitively, as argocd-image-updater reads
 * `update-strategy`. Registries are independent: registering in one never affects another.
 */
export function createStrategyRegistry(options: StrategyRegistryOptions = {}): StrategyRegistry {
  const byName = new Map<string, UpdateStrategy>();
  const canonical = new Map<string, UpdateStrategy>();

  function register(strategy: UpdateStrategy, registerOptions: { readonly replace?: boolean } = {}): void {
    const name = strategy.name.toLowerCase();
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) {
      throw new TypeError(
        `strategy name \`${strategy.name}\` must be kebab-case letters, digits, \`.\`, \`_\` or \`-\``,
      );
    }
    const keys = [name, ...(strategy.aliases ?? []).map((alias) => alias.toLowerCase())];
    if (!registerOptions.replace) {
      const taken = keys.find((key) => byName.has(key));
      if (taken !== undefined) throw new TypeError(`strategy name \`${taken}\` is already registered`);
    }
    for (const key of keys) {
      const previous = byName.get(key);
      // Replacing a name removes every name of the strategy that owned it, so no alias points at a stale one.
      if (previous !== undefined) unregister(previous);
    }
    canonical.set(name, strategy);
    for (const key of keys) byName.set(key, strategy);
  }

  function unregister(strategy: UpdateStrategy): void {
    for (const [key, owner] of byName) if (owner === strategy) byName.delete(key);
    for (const [key, owner] of canonical) if (owner === strategy) canonical.delete(key);
  }

  if (options.builtins !== false) for (const strategy of createBuiltinStrategies()) register(strategy);
  for (const strategy of options.strategies ?? []) register(strategy);

  return {
    get: (name) => (typeof name === "string" ? byName.get(name.trim().toLowerCase()) : undefined),
    register,
    names: () => [...canonical.keys()].sort(),
  };
}
