/** The seed article's two Applications, pointed at the demo's repository. */
export function seedApplications(repoUrl: string, image: string): Record<string, string> {
  const prefix = "argocd-image-updater.argoproj.io";
  return {
    "app-staging.yaml": `# Staging: always the newest build, committed straight to main.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: myapp-staging
  namespace: argocd
  annotations:
    # Watch the image
    ${prefix}/image-list: app=${image}
    # Strategy: the newest image
    ${prefix}/app.update-strategy: latest
    # Direct commit
    ${prefix}/write-back-method: git
    ${prefix}/git-branch: main
spec:
  project: default
  source:
    repoURL: ${repoUrl}
    path: staging
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: staging
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
`,
    "app-production.yaml": `# Production: stable versions only, proposed on a branch for review.
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: myapp-production
  namespace: argocd
  annotations:
    # Watch the image
    ${prefix}/image-list: app=${image}
    # Strategy: stable versions only
    ${prefix}/app.update-strategy: semver
    ${prefix}/app.allow-tags: "regexp:^[0-9]+\\\\.[0-9]+\\\\.[0-9]+$"
    # A branch (+ PR)
    ${prefix}/write-back-method: git:branch
    ${prefix}/git-branch: main
    ${prefix}/git-branch-prefix: image-update/
spec:
  project: default
  source:
    repoURL: ${repoUrl}
    path: production
    targetRevision: main
  destination:
    server: https://kubernetes.default.svc
    namespace: production
  syncPolicy:
    automated:
      prune: true
      selfHeal: true
    syncOptions:
      - CreateNamespace=true
`,
  };
}
