/** Renders `template` (Go text/template syntax) with the sample changes of argocd-image-updater's `template` command. */
export function renderSampleTemplate(_template: string | null): string {
  throw new Error("the template renderer is not part of this build yet");
}
