/**
 * Every write-back target reachable through annotations, a multi-source Application, and a change of registry,
 * against the real registry and git http-backend: one cycle over one Application per repository.
 */
import {
  cleanupBench,
  createBareRepo,
  type GitHttpServer,
  type RegistryServer,
  readBranchFiles,
  readBranchLog,
  tempDir,
} from "@image-updater/bench";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  benchRegistriesConf,
  createE2eUpdater,
  deployment,
  PREFIX,
  registryCredsSecret,
  semverGitApp,
  startTwoTagBench,
  writeTree,
} from "./e2e-fixture.js";

let registry: RegistryServer;
let http: GitHttpServer;
let image: string;
const bare: Record<string, string> = {};
const logBefore: Record<string, number> = {};
let events: string[] = [];

const fluxFile = (tag: string) =>
  [
    "apiVersion: apps/v1",
    "kind: Deployment",
    "metadata:",
    "  name: web",
    "spec:",
    "  template:",
    "    spec:",
    "      containers:",
    "        - name: web",
    `          image: ${image}:${tag} # {"$imagepolicy": "flux-system:web"}`,
    "",
  ].join("\n");

const valuesFile = (tag: string) =>
  [
    "# values for production",
    "image:",
    `  repository: ${image}`,
    `  tag: "${tag}" # set by image-updater`,
    "replicas: 2",
    "",
  ].join("\n");

/** A chart from a Helm repository (never contacted: only Git is written) with its values in a Git repository. */
function multiSourceApp(name: string, valuesRepo: string): string {
  return stringify({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: {
      name,
      namespace: "argocd",
      annotations: {
        [`${PREFIX}/image-list`]: `app=${image}`,
        [`${PREFIX}/app.update-strategy`]: "semver",
        [`${PREFIX}/app.helm.image-name`]: "image.repository",
        [`${PREFIX}/app.helm.image-tag`]: "image.tag",
        [`${PREFIX}/write-back-method`]: "git",
      },
    },
    spec: {
      project: "default",
      sources: [
        {
          repoURL: "https://charts.example.invalid",
          chart: "web",
          targetRevision: "1.0.0",
          helm: { valueFiles: ["$values/envs/prod/values.yaml"] },
        },
        { repoURL: valuesRepo, targetRevision: "main", ref: "values" },
      ],
      destination: { server: "https://kubernetes.default.svc", namespace: name },
    },
  });
}

async function repo(name: string, files: Record<string, string>): Promise<string> {
  bare[name] = await createBareRepo(http.root, name, files);
  logBefore[name] = (await readBranchLog(bare[name], "main")).length;
  return http.repoUrl(name);
}

beforeAll(async () => {
  ({ registry, http } = await startTwoTagBench());
  image = `${registry.host}/myorg/myapp`;
  const flux = await repo("flux", { "clusters/prod/web.yaml": fluxFile("1.0.0") });
  const manifests = await repo("manifests", {
    "apps/web/deployment.yaml": deployment("web", `${image}:1.0.0`),
    "deploy/prod/web.yaml": deployment("web", `${image}:1.0.0`),
  });
  const madeUp = await repo("made-up", { "apps/web/deployment.yaml": deployment("web", `${image}:1.0.0`) });
  const values = await repo("values", {
    "envs/prod/values.yaml": valuesFile("1.0.0"),
    "envs/staging/values.yaml": valuesFile("1.0.0"),
  });
  const moved = await repo("moved", { "apps/web/deployment.yaml": deployment("web", "myorg/myapp:1.1.0") });
  const root = tempDir("e2e-targets");
  await writeTree(root, {
    "secrets/registry-creds.yaml": registryCredsSecret(registry),
    "apps/flux.yaml": semverGitApp("flux-app", flux, "clusters/prod", image, {
      [`${PREFIX}/write-back-target`]: "flux",
    }),
    "apps/manifests.yaml": semverGitApp("manifests-app", manifests, "apps/web", image, {
      [`${PREFIX}/write-back-target`]: "manifests:/deploy/prod",
    }),
    "apps/made-up.yaml": semverGitApp("made-up-app", madeUp, "apps/web", image, {
      [`${PREFIX}/write-back-target`]: "fluxcd",
    }),
    "apps/multi-source.yaml": multiSourceApp("multi-source-app", values),
    "apps/moved.yaml": semverGitApp("moved-app", moved, "apps/web", image),
  });
  const e2e = createE2eUpdater({
    appsDir: `${root}/apps`,
    secretsDir: `${root}/secrets`,
    registriesConf: benchRegistriesConf(registry),
  });
  try {
    await e2e.runOnce();
  } finally {
    await e2e.dispose();
  }
  events = e2e.events;
}, 120_000);

afterAll(cleanupBench, 60_000);

async function commitsOn(name: string): Promise<number> {
  return (await readBranchLog(bare[name] ?? "", "main")).length - (logBefore[name] ?? 0);
}

describe("write-back targets through annotations, against the real registry and git server", () => {
  it("`write-back-target: flux` fills the Flux setter marker in place and commits no file named `flux`", async () => {
    const files = await readBranchFiles(bare.flux ?? "", "main");

    expect(await commitsOn("flux")).toBe(1);
    expect(Object.keys(files).sort()).toEqual(["clusters/prod/web.yaml"]);
    expect(files["clusters/prod/web.yaml"]).toBe(fluxFile("1.1.0"));
  });

  it("`manifests:/deploy/prod` edits the plain manifests there and leaves the source path alone", async () => {
    const files = await readBranchFiles(bare.manifests ?? "", "main");

    expect(files["deploy/prod/web.yaml"]).toBe(deployment("web", `${image}:1.1.0`));
    expect(files["apps/web/deployment.yaml"]).toBe(deployment("web", `${image}:1.0.0`));
  });

  it("a made-up target is a diagnostic naming the key and the allowed forms, and nothing is committed", async () => {
    const failure = events.find((event) => event.startsWith("app failed made-up-app"));

    expect(await commitsOn("made-up")).toBe(0);
    expect(failure).toContain(`${PREFIX}/write-back-target`);
    expect(failure).toContain("unknown write-back target `fluxcd`");
    expect(failure).toContain("`flux[:<dir or file>]`");
    expect(failure).toContain("`manifests[:<dir or file>]`");
  });

  it("a multi-source Application (Helm repository chart, `$values/…` in Git) is updated in the values repository", async () => {
    const files = await readBranchFiles(bare.values ?? "", "main");

    expect(await commitsOn("values")).toBe(1);
    expect(files["envs/prod/values.yaml"]).toBe(valuesFile("1.1.0"));
    expect(files["envs/staging/values.yaml"]).toBe(valuesFile("1.0.0"));
  });

  it("an image running from Docker Hub at the newest tag of the configured registry moves to that registry", async () => {
    const files = await readBranchFiles(bare.moved ?? "", "main");

    expect(files["apps/web/deployment.yaml"]).toBe(deployment("web", `${image}:1.1.0`));
    expect(events).toContain("updating moved-app 1.1.0->1.1.0");
  });
});
