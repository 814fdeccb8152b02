import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { runCli } from "../cli/cli.js";
import { seedApplications } from "./applications.js";
import { createGitopsRepository, listBranches, listCommits, readBranchFile, seedManifests } from "./gitops-repo.js";
import { createOciLayoutWriter } from "./oci-layout-writer.js";

/** Options of {@link runDemo}. */
export interface DemoOptions {
  /** Empty folder the demo builds everything in. */
  readonly root: string;
  /** Receives the story, line by line. */
  readonly print: (line: string) => void;
}

/** What the demo observed, for its test. */
export interface DemoOutcome {
  readonly repository: string;
  /** Branch → tip sha, after the last push. */
  readonly branches: Readonly<Record<string, string>>;
  /** The image line of staging on main and of production on each branch. */
  readonly images: Readonly<Record<string, string>>;
  /** Commits the updater made on main, newest first. */
  readonly mainCommits: readonly { sha: string; author: string; message: string }[];
  /** Exit codes of the daemon runs. */
  readonly exitCodes: readonly number[];
}

const IMAGE = "docker.io/myorg/myapp";
/** What CI pushes, in order: a release, a pre-release, a newer release, and a commit build. */
const PUSHES = [
  { tag: "1.2.3", note: "a release" },
  { tag: "1.2.4-beta", note: "a pre-release" },
  { tag: "1.3.0", note: "a newer release" },
  { tag: "abc1234", note: "a commit build" },
] as const;

/** Log messages worth telling in the story, and how to say them when the log's wording is too terse. */
const NOTHING_TO_COMMIT = "target parameter file and marshaled data are the same, skipping commit.";
const STORY = [
  /^Setting new image to/,
  /^target parameter file and marshaled data are the same/,
  /^Successfully updated image/,
  /^No new image found/,
  /^Could not update image/,
  /^Failed to commit/,
  /^Could not/,
  /^Processing results/,
];

/**
 * The seed article's whole flow on one machine, with only Node and git: a GitOps repository, the two
 * Applications, an OCI image layout as the registry, CI pushing four tags, and `image-updater run --once`
 * after each push, through the same wiring as the real daemon.
 */
export async function runDemo(options: DemoOptions): Promise<DemoOutcome> {
  const { root, print } = options;
  const bare = join(root, "remote", "manifests.git");
  await mkdir(join(root, "remote"), { recursive: true });
  const repository = await createGitopsRepository(join(root, "remote"), seedManifests(IMAGE, "1.0.0"));
  const initial = (await listBranches(bare)).main ?? "";

  const appsDir = join(root, "applications");
  await mkdir(appsDir, { recursive: true });
  for (const [name, text] of Object.entries(seedApplications(repository, IMAGE))) {
    await writeFile(join(appsDir, name), text);
  }
  const registryRoot = join(root, "registry");
  const layout = await createOciLayoutWriter(join(registryRoot, "docker.io", "myorg", "myapp"));
  const registriesConf = join(root, "registries.conf");
  await writeFile(
    registriesConf,
    `registries:
- name: Demo registry (OCI image layout)
  prefix: docker.io
  api_url: file://${registryRoot}
  default: true
`,
  );
  const logFile = join(root, "daemon.log");
  const logLines: string[] = [];

  print(`GitOps repository  ${repository} (staging/, production/, base/)`);
  print(`Applications       ${appsDir} (myapp-staging: latest + git; myapp-production: semver + git:branch)`);
  print(`Registry           ${registryRoot} (OCI image layout, mapped by ${registriesConf})`);
  print("");

  // What is deployed at the start, built well before the pushes below.
  let clock = Date.parse("2026-01-01T00:00:00Z");
  await layout.push({ tag: "1.0.0", created: new Date(clock) });

  const exitCodes: number[] = [];
  for (const push of PUSHES) {
    clock += 3_600_000;
    const digest = await layout.push({ tag: push.tag, created: new Date(clock) });
    print(`CI pushed ${IMAGE}:${push.tag} (${push.note}, ${digest.slice(0, 19)}…)`);
    const lines: string[] = [];
    const code = await runCli(
      [
        "run",
        "--once",
        "--applications-dir",
        appsDir,
        "--registries-conf-path",
        registriesConf,
        "--cache-dir",
        join(root, "cache"),
        "--logformat",
        "json",
        "--loglevel",
        "debug",
        "--git-commit-user",
        "image-updater",
        "--git-commit-email",
        "image-updater@example.com",
      ],
      {
        stdout: (t) => lines.push(t),
        stderr: (t) => lines.push(t),
        env: { ...process.env, IMAGE_UPDATER_CONFIG_DIR: "" },
      },
    );
    exitCodes.push(code);
    logLines.push(...lines);
    for (const line of lines.join("").split("\n")) {
      const entry = parseLogLine(line);
      if (!entry || !STORY.some((re) => re.test(entry.msg))) continue;
      const subject = entry.application ?? entry.applications;
      const who = subject ? `${String(subject).replace(/argocd\//g, "")}: ` : "";
      if (entry.msg === NOTHING_TO_COMMIT) {
        print(`  ${who}already written there, nothing to commit`);
        continue;
      }
      const detail = entry.branch ?? entry.reason ?? entry.error;
      const extra = detail === undefined ? "" : ` (${entry.branch ? "branch " : ""}${String(detail)})`;
      print(`  ${who}${entry.msg}${extra}`);
    }
    print("");
  }
  await writeFile(logFile, logLines.join(""));

  const branches = await listBranches(bare);
  const mainCommits = await listCommits(bare, "main", initial);
  const images: Record<string, string> = {};
  images["main:staging"] = imageLine(await readBranchFile(bare, "main", "staging/deployment.yaml"));
  images["main:production"] = imageLine(await readBranchFile(bare, "main", "production/deployment.yaml"));
  for (const branch of Object.keys(branches).filter((b) => b.startsWith("image-update/"))) {
    images[`${branch}:production`] = imageLine(await readBranchFile(bare, branch, "production/deployment.yaml"));
  }

  print("What happened in Git:");
  print(`  main (staging, direct commits): ${mainCommits.length} commit(s) by the updater`);
  for (const commit of mainCommits) print(`    ${commit.sha} ${commit.message.split("\n")[0]}`);
  for (const [branch, sha] of Object.entries(branches)) {
    if (!branch.startsWith("image-update/")) continue;
    const commits = await listCommits(bare, branch, "main");
    print(
      `  ${branch} (production, for review): ${sha.slice(0, 7)}, production image ${images[`${branch}:production`]}`,
    );
    for (const commit of commits) print(`    ${commit.sha} ${commit.message.split("\n")[0]}`);
  }
  if (exitCodes.some((code) => code !== 0))
    print("  (the daemon failed, see its log below: nothing below is the updater's doing)");
  const beta = Object.keys(branches).some((b) => b.includes("beta"));
  print(`  1.2.4-beta reached production: ${beta ? "yes (unexpected)" : "no, ignored by allow-tags"}`);
  print(
    `  abc1234 reached production: ${Object.keys(branches).some((b) => b.includes("abc1234")) ? "yes (unexpected)" : "no, not a release"}`,
  );
  print(
    `  staging on main now runs ${images["main:staging"]}; production on main still runs ${images["main:production"]}`,
  );
  print("");
  const last = mainCommits[0];
  if (last) {
    print(`Latest commit message on main (${last.sha}, ${last.author}):`);
    for (const line of last.message.split("\n")) print(`  | ${line}`);
  }
  for (const branch of Object.keys(branches).filter((b) => b.startsWith("image-update/"))) {
    const [commit] = await listCommits(bare, branch, "main");
    if (!commit) continue;
    print(`Commit message on ${branch} (${commit.sha}, ${commit.author}):`);
    for (const line of commit.message.split("\n")) print(`  | ${line}`);
  }
  return { repository, branches, images, mainCommits, exitCodes };
}

function parseLogLine(line: string): (Record<string, unknown> & { msg: string }) | null {
  if (!line.startsWith("{")) return null;
  try {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    return typeof parsed.msg === "string" ? (parsed as Record<string, unknown> & { msg: string }) : null;
  } catch {
    return null;
  }
}

function imageLine(text: string): string {
  return /image:\s*(?<image>\S+)/.exec(text)?.groups?.image ?? "(none)";
}
