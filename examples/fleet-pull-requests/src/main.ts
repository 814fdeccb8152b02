/**
 * A fleet's pending image updates, one pull request per Git repository. By default a dry run: prints, per
 * repository, what the engine would change. With --open it writes each repository's changes as one commit on
 * the branch `image-updater/fleet` and opens (or updates) that branch's pull request on GitHub.
 *
 *   node main.js APPLICATIONS_DIR [registries.conf] [--open]     env: GITHUB_TOKEN, GITHUB_API_URL
 */
import { readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Application, type ApplicationSource, createUpdater } from "@image-updater/core";
import { createCliGitWriter, createGitHubPullRequestProvider } from "@image-updater/git-adapters";
import { createDirectorySource } from "@image-updater/k8s-source";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";

const open = process.argv.includes("--open");
const [dir, registriesConfFile] = process.argv.slice(2).filter((arg) => arg !== "--open");
if (dir === undefined) throw new Error("usage: main.js APPLICATIONS_DIR [registries.conf] [--open]");
const registriesConf = registriesConfFile ? await readFile(registriesConfFile, "utf8") : null;
const [token, apiUrl] = [process.env.GITHUB_TOKEN ?? "", process.env.GITHUB_API_URL ?? "https://api.github.com"];

// The fleet's policy, whatever each Application says: git write-back, one branch per repository, so every
// update of a repository lands in the same commit and the same pull request.
const fleet = createDirectorySource({ dir });
const repositoryOf = new Map<string, string>();
const source: ApplicationSource = {
  id: "fleet",
  list: async (options) =>
    (await fleet.list(options)).map((app): Application => {
      repositoryOf.set(`${app.namespace}/${app.name}`, String(app.spec.source?.repoURL));
      const annotations = { "write-back-method": "git", "git-branch": ":image-updater/fleet" };
      const prefixed = Object.entries(annotations).map(([k, v]) => [`argocd-image-updater.argoproj.io/${k}`, v]);
      return { ...app, annotations: { ...app.annotations, ...Object.fromEntries(prefixed) } };
    }),
};
const updater = createUpdater({
  source,
  registry: createConfiguredRegistry({ registriesConf }).client,
  git: createCliGitWriter({ cacheDir: join(tmpdir(), "fleet-pull-requests") }),
  ...(token ? { gitCredentials: async () => ({ kind: "https", username: "x-access-token", password: token }) } : {}),
  pullRequests: createGitHubPullRequestProvider({ token, apiUrl }),
  dryRun: !open,
});

const planned: [repository: string, line: string][] = [];
updater.on("image:updating", ({ application, image, oldTag, newTag }) => {
  const app = `${application.namespace}/${application.name}`;
  planned.push([repositoryOf.get(app) ?? "?", `  ${app}: ${image} ${oldTag} -> ${newTag}`]);
});
updater.on("pullrequest:opened", (e) => console.log(`pull request ${e.created ? "opened" : "updated"}: ${e.url}`));
updater.on("writeback:failed", (e) => console.error(`${e.repoUrl}: ${e.error.message}`));
await updater.runOnce();
await updater.dispose();
const repositories = [...new Set(planned.map(([repository]) => repository))].sort();
for (const repository of repositories) {
  console.log([repository, ...planned.flatMap(([r, line]) => (r === repository ? [line] : [])).sort()].join("\n"));
}
console.log(`${repositories.length} repositories with updates${open ? "" : " (dry run: nothing written)"}`);
