import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { git } from "./git.js";

/** The seed's repository layout: one Deployment per environment, plus a shared base. */
export function seedManifests(image: string, tag: string): Record<string, string> {
  function deployment(name: string, namespace: string, replicas: number): string {
    return `# ${namespace}: managed by Argo CD, image updated by image-updater
apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: ${namespace}
  labels:
    app: myapp
spec:
  replicas: ${replicas}
  selector:
    matchLabels:
      app: myapp
  template:
    metadata:
      labels:
        app: myapp
    spec:
      containers:
        - name: myapp
          image: ${image}:${tag} # the tag CI built
          ports:
            - containerPort: 8080
`;
  }
  return {
    "base/deployment.yaml": deployment("myapp", "default", 1),
    "staging/deployment.yaml": deployment("myapp", "staging", 1),
    "production/deployment.yaml": deployment("myapp", "production", 3),
    "README.md": "# manifests\n\nGitOps repository of myapp: `staging/` and `production/` are Argo CD Applications.\n",
  };
}

/** A bare repository (the "remote") seeded with `files` on `main`. Resolves its `file://` URL. */
export async function createGitopsRepository(root: string, files: Record<string, string>): Promise<string> {
  const bare = join(root, "manifests.git");
  const work = join(root, "seed-checkout");
  await git(["init", "--quiet", "--bare", "--initial-branch=main", bare]);
  await git(["init", "--quiet", "--initial-branch=main", work]);
  for (const [path, contents] of Object.entries(files)) {
    await mkdir(dirname(join(work, path)), { recursive: true });
    await writeFile(join(work, path), contents);
  }
  await git(["add", "--all"], work);
  await git(["commit", "--quiet", "-m", "Initial manifests"], work);
  await git(["push", "--quiet", bare, "main"], work);
  return `file://${bare}`;
}

/** Branches of the bare repository at `url`, name → tip sha. */
export async function listBranches(bare: string): Promise<Record<string, string>> {
  const out = await git(["--git-dir", bare, "for-each-ref", "--format=%(refname:short) %(objectname)", "refs/heads"]);
  return Object.fromEntries(
    out
      .trim()
      .split("\n")
      .filter((l) => l !== "")
      .map((l) => l.split(" ") as [string, string]),
  );
}

/** One commit as the demo prints it. */
export interface CommitSummary {
  readonly sha: string;
  readonly author: string;
  readonly message: string;
}

/** Commits on `branch` not on `since` (all when absent), newest first. */
export async function listCommits(bare: string, branch: string, since?: string): Promise<CommitSummary[]> {
  const range = since ? `${since}..${branch}` : branch;
  const out = await git(["--git-dir", bare, "log", "--format=%h%x1f%an <%ae>%x1f%B%x1e", range]);
  return out
    .split("\x1e")
    .map((r) => r.trim())
    .filter((r) => r !== "")
    .map((r) => {
      const [sha = "", author = "", message = ""] = r.split("\x1f");
      return { sha, author, message: message.trim() };
    });
}

/** A file's text at the tip of `branch`. */
export async function readBranchFile(bare: string, branch: string, path: string): Promise<string> {
  return git(["--git-dir", bare, "show", `${branch}:${path}`]);
}
