/**
 * The seed's scenario in Kubernetes mode: the Applications, the registry's credentials and the git
 * credentials (an Argo CD repository Secret) live only in the Kubernetes API double; the registry
 * (Docker Hub's token flow) and the git server (http-backend with Basic auth) are the real ones.
 */
import { fileURLToPath } from "node:url";
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  startGitHttpServer,
  startRegistry,
  tempDir,
} from "@image-updater/bench";
import {
  deniedRequests,
  type KubeApiDouble,
  type KubeObject,
  kubectl,
  policyRulesOf,
  startKubeApiDouble,
} from "@image-updater/doubles";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { createDaemonUpdater, type DaemonConfig } from "../src/wiring.js";
import {
  applicationManifest,
  benchRegistriesConf,
  deployment,
  PREFIX,
  pushSeedImages,
  registryCredsSecret,
  repositorySecret,
} from "./e2e-fixture.js";

const GIT_USER = "gitops-bot";
const GIT_PASSWORD = "s3cret-git-password";
const DEPLOY = fileURLToPath(new URL("../../../deploy", import.meta.url));

let registry: RegistryServer;
let http: GitHttpServer;
let double: KubeApiDouble;
let image: string;

beforeAll(async () => {
  [registry, http, double] = await Promise.all([
    startRegistry({ auth: "token" }),
    startGitHttpServer({ auth: { username: GIT_USER, password: GIT_PASSWORD } }),
    startKubeApiDouble(),
  ]);
  image = `${registry.host}/myorg/myapp`;
  await pushSeedImages(registry);
}, 60_000);

afterAll(async () => {
  await double?.stop();
  await cleanupBench();
}, 60_000);

const put = (resource: string, yamlText: string) => double.put(resource, parse(yamlText) as KubeObject);

function daemonConfig(warnings: string[]): DaemonConfig {
  return {
    applicationsDir: null,
    kubernetes: {
      kubeconfig: double.kubeconfigPath,
      namespaces: ["argocd"],
      argocdNamespace: "argocd",
      leaderElection: false,
      leaderElectionNamespace: "argocd",
      kubeEvents: true,
    },
    secretsDir: null,
    argocdNamespace: "argocd",
    registriesConf: benchRegistriesConf(registry),
    commitMessageTemplate: null,
    git: {
      user: "argocd-image-updater",
      email: "noreply@argoproj.io",
      signingKey: null,
      signingMethod: "openpgp",
      signOff: false,
    },
    dryRun: false,
    maxConcurrency: 10,
    matchApplicationNames: [],
    matchApplicationLabel: null,
    cacheDir: tempDir("e2e-kubernetes-cache"),
    onWarning: (message) => warnings.push(message),
  };
}

describe("Kubernetes mode end to end (API double, real registry and git server)", () => {
  it("updates the seed's Applications, an argocd write-back and an Event; the second run writes nothing and fetches no manifest", async () => {
    const bare = await createBareRepo(http.root, "manifests", {
      "staging/deployment.yaml": deployment("myapp", `${image}:1.0.0`),
      "production/deployment.yaml": deployment("myapp", `${image}:1.0.0`),
    });
    const repoUrl = http.repoUrl("manifests");
    put(
      "argoproj.io/applications",
      applicationManifest("myapp-staging", repoUrl, "staging", {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.update-strategy`]: "latest",
        [`${PREFIX}/write-back-method`]: "git",
        [`${PREFIX}/git-branch`]: "main",
      }),
    );
    put(
      "argoproj.io/applications",
      applicationManifest("myapp-production", repoUrl, "production", {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.update-strategy`]: "semver",
        [`${PREFIX}/app.allow-tags`]: "regexp:^[0-9]+\\.[0-9]+\\.[0-9]+$",
        [`${PREFIX}/write-back-method`]: "git:branch",
        [`${PREFIX}/git-branch`]: "main",
        [`${PREFIX}/git-branch-prefix`]: "image-update/",
      }),
    );
    const kustomized = parse(
      applicationManifest("myapp-kustomized", repoUrl, "kustomized", {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.update-strategy`]: "semver",
        [`${PREFIX}/write-back-method`]: "argocd",
      }),
    ) as KubeObject & { spec: { source: Record<string, unknown> } };
    kustomized.spec.source.kustomize = { namePrefix: "k-" };
    kustomized.status = { sourceType: "Kustomize", summary: { images: [`${image}:1.0.0`] } };
    double.put("argoproj.io/applications", kustomized);
    put("secrets", registryCredsSecret(registry));
    put("secrets", repositorySecret("repo-manifests", repoUrl, { username: GIT_USER, password: GIT_PASSWORD }));

    const warnings: string[] = [];
    const updater = await createDaemonUpdater(daemonConfig(warnings));
    const requests: { method: string; outcome: string }[] = [];
    updater.events.on("registry:request", (event) => requests.push(event));
    try {
      const first = await updater.runOnce();
      await new Promise((resolve) => setTimeout(resolve, 200)); // Events are sent after the write-back
      const afterFirst = { requests: requests.length, kube: double.requests.length };
      const main = await readBranchLog(bare, "main");
      const branch = await readBranchLog(bare, "image-update/myapp-1.3.0");
      const second = await updater.runOnce();

      expect(first).toMatchObject({ applications: 3, imagesUpdated: 3, errors: 0 });
      expect((await readBranchFiles(bare, "main"))["staging/deployment.yaml"]).toBe(
        deployment("myapp", `${image}:abc1234`),
      );
      expect(main[0]?.subject).toBe("build: automatic update of myapp-staging");
      expect((await readBranchFiles(bare, "image-update/myapp-1.3.0"))["production/deployment.yaml"]).toBe(
        deployment("myapp", `${image}:1.3.0`),
      );
      const written = double.store.get(double.type("argoproj.io/applications"), "argocd", "myapp-kustomized");
      expect((written.spec as { source: unknown }).source).toMatchObject({
        repoURL: repoUrl,
        kustomize: { namePrefix: "k-", images: [`${image}:1.3.0`] },
      });
      const events = double.store.list(double.type("events"), "argocd") as (KubeObject & {
        reason: string;
        involvedObject: { name: string };
      })[];
      expect(events.map((e) => `${e.reason} ${e.involvedObject.name}`).sort()).toEqual([
        "ImagesUpdated myapp-kustomized",
        "ImagesUpdated myapp-production",
        "ImagesUpdated myapp-staging",
      ]);

      // Second run: a tag list per repository and newest-build's HEAD of its winner, no manifest, no commit,
      // no patch.
      expect(second).toMatchObject({ applications: 3, imagesUpdated: 0, errors: 0, commits: [] });
      const sent = requests.slice(afterFirst.requests).filter((r) => r.outcome !== "cached" && r.outcome !== "shared");
      expect(sent.map((r) => r.method)).toEqual(["listTags", "getDigest"]);
      expect(double.requests.slice(afterFirst.kube).filter((r) => r.verb !== "get" && r.verb !== "list")).toEqual([]);
      expect(await readBranchLog(bare, "main")).toEqual(main);
      expect(await readBranchLog(bare, "image-update/myapp-1.3.0")).toEqual(branch);

      // Every API request of both runs is allowed by the install's Role; no secret reached a log line.
      const rendered = await kubectl(double, ["kustomize", DEPLOY]);
      const rules = policyRulesOf(parseAllDocuments(rendered.stdout).map((d) => d.toJS()));
      expect(
        deniedRequests(
          rules,
          double.requests.filter((r) => r.user !== "" && r.verb !== "discovery"),
        ),
      ).toEqual([]);
      expect(JSON.stringify(warnings)).not.toContain(GIT_PASSWORD);
      expect(JSON.stringify(warnings)).not.toContain(registry.password ?? "no-password");
    } finally {
      await updater.dispose();
    }
  }, 300_000);

  it("keeps updating the others when one Application is invalid and one names a missing Secret, naming both", async () => {
    const bare = await createBareRepo(http.root, "faults", {
      "ok/deployment.yaml": deployment("myapp", `${image}:1.0.0`),
    });
    const repoUrl = http.repoUrl("faults");
    const applications = double.type("argoproj.io/applications");
    for (const app of double.store.list(applications, "argocd")) {
      double.store.delete(applications, "argocd", app.metadata.name);
    }
    put(
      "argoproj.io/applications",
      applicationManifest("ok", repoUrl, "ok", {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.update-strategy`]: "semver",
        [`${PREFIX}/write-back-method`]: "git",
        [`${PREFIX}/git-branch`]: "main",
      }),
    );
    put(
      "argoproj.io/applications",
      applicationManifest("no-secret", repoUrl, "ok", {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.pull-secret`]: "secret:argocd/missing#token",
        [`${PREFIX}/write-back-method`]: "git:secret:argocd/also-missing",
      }),
    );
    double.put("argoproj.io/applications", {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Application",
      metadata: { name: "broken", namespace: "argocd", annotations: { [`${PREFIX}/image-list`]: `app=${image}` } },
      spec: { source: { path: "no-repo-url" } },
    });
    const warnings: string[] = [];
    put("secrets", registryCredsSecret(registry));
    // Git credentials from Argo CD's credential template for every repository of the server.
    put(
      "secrets",
      repositorySecret("server-creds", http.repoUrl(""), { username: GIT_USER, password: GIT_PASSWORD }).replace(
        "secret-type: repository",
        "secret-type: repo-creds",
      ),
    );
    const updater = await createDaemonUpdater(daemonConfig(warnings));
    const failures: string[] = [];
    updater.events.on("image:failed", (e) => failures.push(`${e.application.name}: ${e.error.message}`));
    updater.events.on("writeback:failed", (e) => failures.push(`write-back: ${e.error.message}`));
    updater.events.on("application:failed", (e) => failures.push(`${e.application.name}: ${e.error.message}`));
    try {
      const result = await updater.runOnce();
      expect(failures.filter((f) => f.startsWith("ok:"))).toEqual([]);
      expect(result.imagesUpdated).toBeGreaterThanOrEqual(1);
      expect((await readBranchFiles(bare, "main"))["ok/deployment.yaml"]).toBe(deployment("myapp", `${image}:1.3.0`));
      expect(warnings.some((w) => w.includes("Application argocd/broken") && w.includes("spec.source.repoURL"))).toBe(
        true,
      );
      expect(failures).toContain("no-secret: [kubernetes] Secret argocd/also-missing for git write-back not found");
      expect(JSON.stringify([warnings, failures])).not.toContain(GIT_PASSWORD);
    } finally {
      await updater.dispose();
    }
  }, 300_000);
});
