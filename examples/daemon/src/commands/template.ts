import { commitMessageData, type ImageChange, renderCommitMessage } from "@image-updater/core";

/** The sample argocd-image-updater's `template` command renders: a tag change and a digest change. */
export const SAMPLE_APPLICATION = { namespace: "argocd", name: "example-app" } as const;
export const SAMPLE_CHANGES: readonly ImageChange[] = [
  { image: "gcr.io/example/example", oldTag: "1.0.0", newTag: "1.0.1" },
  {
    image: "gcr.io/example/updater",
    oldTag: "latest",
    oldDigest: "sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee",
    newTag: "latest",
    newDigest: "sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c",
    pinDigest: true,
  },
];

/**
 * Renders a commit message template (Go text/template syntax; `null` for argocd-image-updater's default) with
 * the sample changes. Throws core's `TEMPLATE_INVALID` error, with the position, for a malformed template.
 */
export function renderSampleTemplate(template: string | null): string {
  return renderCommitMessage(template ?? undefined, commitMessageData(SAMPLE_APPLICATION, SAMPLE_CHANGES));
}
