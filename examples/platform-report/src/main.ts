/**
 * Checks a list of images against their update policies and prints what each would move to. No Git and no
 * cluster: tags come from the registries `registries.conf` names, core's strategy engine decides.
 *
 *   node main.js policies.json [registries.conf]
 *
 * policies.json: [{ "image": "ghcr.io/org/api:1.2.0", "strategy": "semver", "constraint": "~1.2" }, ...]
 */
import { readFile } from "node:fs/promises";
import { decideUpdate, parseImageReference } from "@image-updater/core";
import { createConfiguredRegistry } from "@image-updater/registry-adapters";

interface Policy {
  readonly image: string;
  readonly strategy?: string;
  readonly constraint?: string;
  readonly ignoreTags?: readonly string[];
}

const [policiesFile, registriesConfFile] = process.argv.slice(2);
if (policiesFile === undefined) throw new Error("usage: main.js policies.json [registries.conf]");
const policies = JSON.parse(await readFile(policiesFile, "utf8")) as Policy[];
const registriesConf = registriesConfFile ? await readFile(registriesConfFile, "utf8") : null;
const { client } = createConfiguredRegistry({ registriesConf, onWarning: (message) => console.warn(message) });

let pending = 0;
for (const policy of policies) {
  const { value: ref, diagnostics } = parseImageReference(policy.image);
  if (ref === undefined) {
    console.log(`${policy.image}\tinvalid: ${diagnostics.map((d) => d.message).join("; ")}`);
    continue;
  }
  const repo = { registry: ref.registry, repository: ref.repository };
  const tags = await client.listTags(repo).catch((error: Error) => error);
  if (tags instanceof Error) {
    console.log(`${policy.image}\terror\t${tags.message}`);
    continue;
  }
  const decision = await decideUpdate({
    current: ref.tag === undefined ? null : { tag: ref.tag },
    strategy: policy.strategy ?? "semver",
    ...(policy.constraint ? { constraint: policy.constraint } : {}),
    ...(policy.ignoreTags ? { ignoreTags: policy.ignoreTags } : {}),
    tags,
    metadata: { get: (tag) => client.getMetadata(repo, tag) },
  });
  if (decision.kind === "update") pending++;
  const target = decision.kind === "update" ? `-> ${decision.tag}` : decision.kind;
  console.log(`${policy.image}\t${target}\t${decision.winner?.why ?? decision.message}`);
}
console.log(`${pending} of ${policies.length} images have an update`);
await client.dispose?.();
