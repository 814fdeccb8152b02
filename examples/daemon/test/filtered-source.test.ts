import type { Application, ApplicationSource } from "@image-updater/core";
import { describe, expect, it } from "vitest";
import { parseLabelSelector } from "../src/config/label-selector.js";
import { filterApplicationSource } from "../src/filtered-source.js";

function app(name: string, labels: Record<string, string> = {}): Application {
  return { name, namespace: "argocd", labels, annotations: {}, spec: {} };
}

const APPS = [app("myapp-staging", { env: "staging" }), app("myapp-production", { env: "prod" }), app("other")];
const SOURCE: ApplicationSource = { id: "fixed", list: async () => APPS };

function selector(text: string) {
  const parsed = parseLabelSelector(text);
  if ("error" in parsed) throw new Error(parsed.error);
  return parsed.selector;
}

describe("filterApplicationSource()", () => {
  it.each([
    [[], null, ["myapp-staging", "myapp-production", "other"]],
    [["myapp-*"], null, ["myapp-staging", "myapp-production"]],
    [["*-staging", "oth?r"], null, ["myapp-staging", "other"]],
    [[], "env in (prod,staging)", ["myapp-staging", "myapp-production"]],
    [["myapp-*"], "env!=prod", ["myapp-staging"]],
  ])("names %j and selector %j list %j", async (names, text, expected) => {
    const source = filterApplicationSource(SOURCE, { names, selector: text === null ? null : selector(text) });

    const listed = await source.list();

    expect(listed.map((a) => a.name)).toEqual(expected);
  });
});
