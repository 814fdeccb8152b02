import type { ConsideredTag } from "@image-updater/core";

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
}

/** The JSON `test --output json` prints, field for field. */
export interface TestImageResult {
  readonly image: string;
  readonly strategy: string;
  /** Chosen tag, `null` when none qualified. */
  readonly tag: string | null;
  /** Digest of the chosen tag, `null` when unknown. */
  readonly digest: string | null;
  readonly tagsFound: number;
  /** Each tag's fate, as core's decision gives it (`detail` left out). */
  readonly considered: readonly Omit<ConsideredTag, "detail">[];
}
