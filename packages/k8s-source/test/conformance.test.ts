/**
 * The directory adapters pass their families' suites: Applications and Secrets kept as manifest files, the way
 * a GitOps folder holds them. The engine's behaviour suite also runs with the directory source.
 */
import { rm, unlink } from "node:fs/promises";
import {
  describeApplicationSourceConformance,
  describeEngineBehaviour,
  describeSecretResolverConformance,
  memoryGitWriterHarness,
  memoryRegistryHarness,
} from "@image-updater/conformance";
import type { Application } from "@image-updater/core";
import { stringify } from "yaml";
import { createDirectorySecretResolver, createDirectorySource } from "../src/index.js";
import { createTempDir, type TempDir } from "./temp-dir.js";

let dir: TempDir | undefined;
const cleanup = async () => {
  await dir?.remove();
  dir = undefined;
};

function manifest(application: Application): string {
  const { namespace, name, labels, annotations, spec } = application;
  return stringify({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Application",
    metadata: { name, namespace, labels, annotations },
    spec,
  });
}

const fileOf = (ref: { namespace: string; name: string }) => `apps/${ref.namespace}/${ref.name}.yaml`;

async function directorySource(applications: readonly Application[]) {
  const folder = await createTempDir("directory-source-");
  dir = folder;
  for (const application of applications) await folder.write(fileOf(application), manifest(application));
  return {
    source: createDirectorySource({ dir: folder.path, debounceMs: 20 }),
    upsert: async (application: Application) => void (await folder.write(fileOf(application), manifest(application))),
    remove: async (ref: { namespace: string; name: string }) => unlink(`${folder.path}/${fileOf(ref)}`),
    makeUnavailable: () => rm(folder.path, { recursive: true, force: true }),
  };
}

describeApplicationSourceConformance(
  "directory source",
  { create: directorySource, cleanup, watchSettleMs: 300 },
  { timeoutMs: 30_000 },
);

/** Half the keys go in base64 `data`, half in `stringData`, as users write them. */
function secretManifest(key: string, data: Readonly<Record<string, string>>): string {
  const [namespace, name] = key.split("/");
  const entries = Object.entries(data);
  const encoded = Object.fromEntries(
    entries.filter((_, i) => i % 2 === 0).map(([k, v]) => [k, Buffer.from(v).toString("base64")]),
  );
  const plain = Object.fromEntries(entries.filter((_, i) => i % 2 === 1));
  return stringify({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name, namespace },
    data: encoded,
    stringData: plain,
  });
}

describeSecretResolverConformance("directory secret resolver", {
  async create(secrets) {
    const folder = await createTempDir("directory-secrets-");
    dir = folder;
    for (const [key, data] of Object.entries(secrets)) await folder.write(`${key}.yaml`, secretManifest(key, data));
    return {
      resolver: createDirectorySecretResolver({ dir: folder.path }),
      async set(namespace, name, data) {
        const key = `${namespace}/${name}`;
        if (data === null) await unlink(`${folder.path}/${key}.yaml`);
        else await folder.write(`${key}.yaml`, secretManifest(key, data));
      },
    };
  },
  cleanup,
});

describeEngineBehaviour("directory source, memory registry and git", {
  registry: memoryRegistryHarness(),
  git: memoryGitWriterHarness(),
  source: { create: directorySource, cleanup },
});
