/**
 * Fuzzed annotations and files: random and adversarial inputs through the parsers a daemon runs on every
 * Application. Each input must parse (to a value or diagnostics) without throwing, within its deadline,
 * and no diagnostic may quote a planted secret.
 */
import { mkdtemp, open, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  createMemoryGitWriter,
  createMemoryRegistry,
  createMemorySource,
  createUpdater,
  parseApplicationAnnotations,
  parseRegistriesConf,
} from "@image-updater/core";
import { redactUrls } from "@image-updater/example-daemon";
import { parseManifestTextAsync, scanManifests } from "@image-updater/k8s-source";
import fc from "fast-check";
import type { Trial, TrialResult } from "./family.js";
import { PLANTED_SECRETS } from "./family.js";

const PREFIX = "argocd-image-updater.argoproj.io";
const KIB = 1024;

function parsedAnnotations(annotations: Record<string, string>): TrialResult {
  const result = parseApplicationAnnotations(annotations);
  return { correct: true, outputs: result.diagnostics.map((d) => d.message) };
}

/** Adversarial annotation sets, then `random` fast-check ones. */
export function annotationTrials(random: number): Trial[] {
  const fixed: [string, Record<string, string>][] = [
    [
      "128 KiB image-list",
      { [`${PREFIX}/image-list`]: Array.from({ length: 5000 }, (_, i) => `a${i}=ghcr.io/o/a${i}:^1`).join(",") },
    ],
    ["1 MiB single entry", { [`${PREFIX}/image-list`]: "a".repeat(1024 * KIB) }],
    ["10 000 empty entries", { [`${PREFIX}/image-list`]: ",".repeat(10_000) }],
    ["alias with 64 KiB", { [`${PREFIX}/image-list`]: `${"x".repeat(64 * KIB - 20)}=nginx` }],
    [
      "allow-tags regexp of 60 KiB",
      { [`${PREFIX}/image-list`]: "a=nginx", [`${PREFIX}/a.allow-tags`]: `regexp:${"(a|b)".repeat(12 * KIB)}` },
    ],
    [
      "write-back URL with a password",
      { [`${PREFIX}/image-list`]: "a=nginx", [`${PREFIX}/write-back-method`]: `git:https://u:${PLANTED_SECRETS[2]}@h` },
    ],
    [
      "5000 per-image keys",
      Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`${PREFIX}/a${i}.update-strategy`, "semver"])),
    ],
    ["NUL and control characters", { [`${PREFIX}/image-list`]: "a=ng\u0000inx:\u0007^1\u202e" }],
  ];
  const trials: Trial[] = fixed.map(([name, annotations]) => ({
    name: `annotations: ${name}`,
    deadlineMs: 2_000,
    run: async () => parsedAnnotations(annotations),
  }));
  const keys = fc.constantFrom(
    "image-list",
    "a.allow-tags",
    "a.ignore-tags",
    "a.update-strategy",
    "write-back-method",
    "a.platforms",
    "a.kustomize.image-name",
    "git-branch",
    "a.helm.image-tag",
  );
  const annotationSets = fc.dictionary(
    keys.map((k) => `${PREFIX}/${k}`),
    // Any code point, lone surrogates included. fast-check's `unit: "binary"` holds about 100 MiB of tables,
    // which would weigh on the defender's memory figure.
    fc.string({
      unit: fc.integer({ min: 0, max: 0x10ffff }).map((point) => String.fromCodePoint(point)),
      maxLength: 2000,
    }),
  );
  for (let index = 0; index < random; index++) {
    trials.push({
      name: `annotations: random #${index}`,
      deadlineMs: 2_000,
      // Drawn when the trial runs: a thousand sets held at once would weigh on the defender's memory figure.
      run: async () => parsedAnnotations(fc.sample(annotationSets, { numRuns: 1, seed: 15 + index })[0] ?? {}),
    });
  }
  return trials;
}

function nested(depth: number): string {
  return `${"[".repeat(depth)}${"]".repeat(depth)}\n`;
}

function laughs(): string {
  const lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"];
  const names = "abcdefghij";
  for (let i = 1; i < 10; i++)
    lines.push(
      `${names[i]}: &${names[i]} [${Array(9)
        .fill(`*${names[i - 1]}`)
        .join(", ")}]`,
    );
  return `${lines.join("\n")}\n`;
}

const HEALTHY = "apiVersion: argoproj.io/v1alpha1\nkind: Application\nmetadata:\n  name: healthy\n";

/** Odd files through the manifest reader and `registries.conf`; the healthy document beside must load. */
export function fileTrials(): Trial[] {
  const texts: [string, string][] = [
    ["1 MiB plain key", `${"k".repeat(1024 * KIB)}: v\n`],
    ["1 MiB flow key", `{${"k".repeat(1024 * KIB)}: v}\n`],
    ["1 MiB quoted key", `"${"k".repeat(1024 * KIB)}": v\n`],
    ["nesting 10 000 deep", nested(10_000)],
    ["billion laughs", laughs()],
    ["binary junk", Buffer.from(Array.from({ length: 256 * KIB }, (_, i) => (i * 7919) % 256)).toString("latin1")],
    ["100 000 documents", "---\na: 1\n".repeat(100_000)],
    ["unterminated quote", `a: "${"x".repeat(512 * KIB)}`],
    [
      "Secret with a planted value and a syntax error",
      `kind: Secret\napiVersion: v1\nstringData:\n  password: ${PLANTED_SECRETS[0]}\n  [oops\n`,
    ],
  ];
  const trials: Trial[] = texts.map(([name, text]) => ({
    name: `files: ${name}`,
    deadlineMs: 5_000,
    async run() {
      const parsed = await parseManifestTextAsync(`${text}\n---\n${HEALTHY}`, "odd.yaml", { redactMessages: true });
      const healthy = parsed.documents.some(
        (d) => (d.data as { metadata?: { name?: string } } | null)?.metadata?.name === "healthy",
      );
      // A quote left open swallows the rest of the file, and a file nested too deep is refused whole: both are
      // right. Everything else must leave the healthy document readable.
      const swallowed = name === "unterminated quote" || name === "nesting 10 000 deep";
      return {
        correct: healthy || swallowed || name === "100 000 documents",
        outputs: parsed.warnings.map((w) => w.message),
      };
    },
  }));
  trials.push({
    name: "files: 30 MB Application file beside a healthy one",
    deadlineMs: 10_000,
    async run() {
      const dir = await mkdtemp(join(tmpdir(), "iu-reliability-files-"));
      try {
        // Written in chunks: the attacker's 30 MB string would otherwise weigh on the figures of the defender.
        const big = await open(join(dir, "big.yaml"), "w");
        await big.write(`${HEALTHY}spec:\n  x: "`);
        const chunk = Buffer.alloc(1024 * KIB, 0x79);
        for (let i = 0; i < 30; i++) await big.write(chunk);
        await big.write('"\n');
        await big.close();
        await writeFile(join(dir, "good.yaml"), HEALTHY);
        const scan = await scanManifests(dir);
        return {
          correct: scan.documents.length === 1 && scan.warnings.length === 1,
          outputs: scan.warnings.map((w) => w.message),
        };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  });
  trials.push({
    name: "files: GitOps manifest of 100 000 documents beside a healthy application",
    deadlineMs: 10_000,
    run: gitopsManyDocuments,
  });
  trials.push({
    name: "files: registries.conf with limit -5 and a planted password",
    deadlineMs: 2_000,
    async run() {
      const result = parseRegistriesConf(
        `registries:\n- name: r\n  prefix: r.example\n  api_url: https://u:${PLANTED_SECRETS[0]}@r.example\n  limit: -5\n`,
      );
      return { correct: result.diagnostics.length > 0, outputs: result.diagnostics.map((d) => d.message) };
    },
  });
  trials.push({
    name: "logs: redaction of a 1 MiB line",
    deadlineMs: 1_000,
    async run() {
      const line = `${"a".repeat(1024 * KIB)} https://robot:${PLANTED_SECRETS[2]}@git.example/r.git`;
      return { correct: true, outputs: [redactUrls(line)] };
    },
  });
  return trials;
}

const GITOPS_REPO = "https://git.example.test/org/deploy.git";

function gitopsDeployment(image: string): string {
  return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: ${image}\n`;
}

/**
 * One application's manifest in the GitOps repository holds 100 000 documents: the engine (over core's memory
 * adapters: the parse is what is attacked, not git) must refuse that file, write nothing to it, and commit the
 * healthy application beside it.
 */
async function gitopsManyDocuments(): Promise<TrialResult> {
  const huge = gitopsDeployment("docker.io/org/one:1.0.0") + "---\na: 1\n".repeat(100_000);
  const git = createMemoryGitWriter();
  git.seed(GITOPS_REPO, {
    "apps/a/deployment.yaml": huge,
    "apps/b/deployment.yaml": gitopsDeployment("docker.io/org/two:1.0.0"),
  });
  const registry = createMemoryRegistry({
    images: ["org/one", "org/two"].map((repository) => ({
      registry: "docker.io",
      repository,
      tags: ["1.0.0", "1.1.0"],
    })),
  });
  const applications = ["a", "b"].map((name) => ({
    namespace: "argocd",
    name,
    labels: {},
    annotations: {
      [`${PREFIX}/image-list`]: `app=docker.io/org/${name === "a" ? "one" : "two"}`,
      [`${PREFIX}/write-back-method`]: "git",
      [`${PREFIX}/git-branch`]: "main",
    },
    spec: { source: { repoURL: GITOPS_REPO, path: `apps/${name}`, targetRevision: "main" } },
  }));
  const updater = createUpdater({ source: createMemorySource({ applications }), registry, git });
  try {
    const result = await updater.runOnce();
    const remote = git.remote(GITOPS_REPO);
    const refused = result.results.find((r) => r.application.name === "a");
    return {
      correct:
        remote.read("main", "apps/a/deployment.yaml") === huge &&
        remote.read("main", "apps/b/deployment.yaml") === gitopsDeployment("docker.io/org/two:1.1.0") &&
        (refused?.error ?? "").includes("apps/a/deployment.yaml"),
      outputs: result.results.flatMap((r) => [r.error ?? "", ...r.images.map((image) => image.message)]),
    };
  } finally {
    await updater.dispose();
  }
}
