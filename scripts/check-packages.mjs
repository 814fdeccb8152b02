#!/usr/bin/env node
// Checks the public packages as a consumer gets them: packs each one, lints the tarballs (publint, attw),
// installs them with npm into a scratch project outside the workspace, type-checks the SDK examples against
// them with every TypeScript version we support, and runs the examples that need no outside service.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, posix, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "..");
/** TypeScript versions consumers may compile with: the oldest we promise and the one we build with. */
const typescriptVersions = ["5.9.3", "6.0.3"];
const requiredFiles = ["package.json", "README.md", "LICENSE", "CHANGELOG.md", "dist/index.js", "dist/index.d.ts"];

const run = (command, args, options = {}) =>
  execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
const fail = (message) => {
  console.error(`check-packages: ${message}`);
  process.exit(1);
};
const step = (message) => console.log(`check-packages: ${message}`);

function publicPackages() {
  return readdirSync(join(root, "packages"))
    .map((name) => join(root, "packages", name))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .filter((dir) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8")).private !== true);
}

function sdkExamples() {
  const dir = join(root, "examples");
  return readdirSync(dir)
    .map((name) => ({ name, dir: join(dir, name) }))
    .filter((e) => e.name !== "daemon" && existsSync(join(e.dir, "src")));
}

/** Every file in the tarball, and every source map pointing only at files the tarball holds. */
function checkTarballContents(tarball) {
  const entries = new Set(
    run("tar", ["tzf", tarball])
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.replace(/^package\//, "")),
  );
  for (const file of requiredFiles) if (!entries.has(file)) fail(`${tarball} lacks ${file}`);
  const maps = [...entries].filter((entry) => entry.endsWith(".map"));
  for (const map of maps) {
    const { sources } = JSON.parse(run("tar", ["xzOf", tarball, `package/${map}`]));
    for (const source of sources) {
      const target = posix.normalize(posix.join(posix.dirname(map), source));
      if (!entries.has(target)) fail(`${tarball}: ${map} points at ${target}, which is not shipped`);
    }
  }
  return maps.length;
}

// One build from nothing, so no output of a deleted source file reaches a tarball (`tsc -b --clean` only
// removes outputs of sources that still exist); packing then skips prepack.
for (const dir of publicPackages()) {
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  rmSync(join(dir, "tsconfig.tsbuildinfo"), { force: true });
}
run("pnpm", ["exec", "tsc", "-b"], { cwd: root });

const scratch = mkdtempSync(join(tmpdir(), "image-updater-packages-"));
try {
  const packs = join(scratch, "packs");
  mkdirSync(packs);
  const tarballs = {};
  for (const dir of publicPackages()) {
    const { name, scripts } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (scripts?.prepack !== "tsc -b") fail(`${name} must build on prepack ("prepack": "tsc -b")`);
    const out = run("pnpm", ["pack", "--config.ignore-scripts=true", "--pack-destination", packs], { cwd: dir })
      .trim()
      .split("\n")
      .at(-1);
    const tarball = resolve(dir, out);
    const maps = checkTarballContents(tarball);
    run("pnpm", ["exec", "publint", "run", tarball, "--strict"], { cwd: root });
    run("pnpm", ["exec", "attw", tarball, "--profile", "esm-only"], { cwd: root });
    tarballs[name] = tarball;
    step(`${name}: packed, ${maps} source maps resolve, publint and attw clean`);
  }

  const consumer = join(scratch, "consumer");
  mkdirSync(consumer);
  const dependencies = Object.fromEntries(Object.entries(tarballs).map(([name, file]) => [name, `file:${file}`]));
  const devDependencies = { "@types/node": "^20.19.0" };
  for (const version of typescriptVersions) devDependencies[`typescript-${version}`] = `npm:typescript@${version}`;
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({ name: "consumer", private: true, type: "module", dependencies, devDependencies }, null, 2),
  );
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: consumer });
  if (existsSync(join(consumer, "node_modules", "rxjs"))) fail("installing the packages pulled rxjs");
  step(`installed ${Object.keys(tarballs).length} tarballs with npm outside the workspace (no rxjs)`);

  const examples = sdkExamples();
  for (const example of examples) cpSync(join(example.dir, "src"), join(consumer, example.name), { recursive: true });
  const compilerOptions = {
    target: "ES2023",
    lib: ["ES2023"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    types: ["node"],
    outDir: "dist",
    rootDir: ".",
  };
  writeFileSync(
    join(consumer, "tsconfig.json"),
    JSON.stringify({ compilerOptions, include: examples.map((e) => `${e.name}/**/*.ts`) }, null, 2),
  );
  for (const version of typescriptVersions) {
    const tsc = join(consumer, "node_modules", `typescript-${version}`, "bin", "tsc");
    const emit = version === typescriptVersions.at(-1) ? [] : ["--noEmit"];
    try {
      run(process.execPath, [tsc, "-p", "tsconfig.json", ...emit], { cwd: consumer });
    } catch (error) {
      fail(`the examples do not type-check with TypeScript ${version}:\n${error.stdout}${error.stderr}`);
    }
  }
  step(`${examples.length} examples type-check with TypeScript ${typescriptVersions.join(" and ")}`);

  for (const example of examples) {
    const manifest = JSON.parse(readFileSync(join(example.dir, "package.json"), "utf8"));
    const check = manifest.imageUpdaterCheck;
    if (!check?.run) continue;
    const output = run(process.execPath, [join("dist", example.name, check.run), ...(check.args ?? [])], {
      cwd: consumer,
      timeout: 60_000,
    });
    if (check.expect && !output.includes(check.expect)) {
      fail(`${example.name} ran but did not print ${JSON.stringify(check.expect)}:\n${output}`);
    }
    step(`${example.name} ran from the installed packages`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
