import type { DecisionJson, TagExtraction } from "@image-updater/core";

/** What `image-updater test IMAGE` is asked. */
export interface TestImageRequest {
  readonly image: string;
  /** `semver`, `newest-build`, `alphabetical`, `digest`, or an alias (`latest`, `name`). */
  readonly strategy: string;
  readonly semverConstraint: string | null;
  /** `regexp:…` or `any`, as the annotation takes it. */
  readonly allowTags: string | null;
  readonly ignoreTags: readonly string[];
  /** `os/arch[/variant]` entries. */
  readonly platforms: readonly string[];
  /** registries.conf text, `null` for the defaults. */
  readonly registriesConf: string | null;
  /** A credential reference (`env:VAR`, `ext:/path`, `user:pass`, `secret:ns/name`), never logged. */
  readonly credentials: string | null;
  /** Rank on part of each tag (Flux's `filterTags.extract`); `null` ranks the whole tag. */
  readonly extract?: TagExtraction | null;
  /** Alphabetical and numerical: `desc` picks the smallest. */
  readonly order?: "asc" | "desc";
  /** Alphabetical: natural order (`v9` before `v10`). */
  readonly naturalSort?: boolean;
  /** Requests per second to the image's registry, replacing its registries.conf `limit`; `null` keeps it. */
  readonly rateLimit?: number | null;
}

/** What `test` found: core's decision JSON (what `--output json` prints) and the winner's reason. */
export interface TestImageResult {
  readonly decision: DecisionJson;
  /** Why the chosen tag beat the others; `null` when none qualified. */
  readonly winnerWhy: string | null;
}
