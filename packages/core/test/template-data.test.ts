import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { PULL_REQUEST_BRANCH_TEMPLATE } from "../src/config/crd-write-back.js";
import { commitMessageData, type ImageChange, renderCommitMessage, TemplateError } from "../src/index.js";
import {
  branchNameData,
  branchNameFromPrefix,
  computeTargetKey,
  renderBranchName,
  sanitizeBranchName,
} from "../src/template/branch-name.js";
import { DEFAULT_COMMIT_MESSAGE_TEMPLATE } from "../src/template/commit-message.js";

const app = { namespace: "argocd", name: "myapp-production" };
const seedTemplate = readFileSync(new URL("fixtures/template/seed-commit-message.tmpl", import.meta.url), "utf8");
const appChange: ImageChange = { alias: "app", image: "docker.io/myorg/myapp", oldTag: "1.2.2", newTag: "1.2.3" };
// The two sample changes `argocd-image-updater template` renders.
const sampleChanges: ImageChange[] = [
  { image: "gcr.io/example/example", oldTag: "1.0.0", newTag: "1.0.1" },
  {
    image: "gcr.io/example/updater",
    oldTag: "latest",
    oldDigest: "sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee",
    newTag: "latest",
    newDigest: "sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c",
    pinDigest: true,
  },
];

describe("commit messages", () => {
  it("render argocd-image-updater's default template exactly", () => {
    const message = renderCommitMessage(undefined, commitMessageData(app, sampleChanges));

    expect(message).toBe(
      "build: automatic update of myapp-production\n" +
        "\n" +
        "updates image example/example tag '1.0.0' to '1.0.1'\n" +
        "updates image example/updater tag 'sha256:01d09d19c2139a46aebfb577780d123d7396e97201bc7ead210a2ebff8239dee'" +
        " to 'sha256:7aa7a5359173d05b63cfd682e3c38487f3cb4f7f1d60659fe59fab1505977d4c'\n",
    );
  });

  it("keep the default template's text byte for byte", () => {
    expect(DEFAULT_COMMIT_MESSAGE_TEMPLATE).toBe(
      "build: automatic update of {{ .AppName }}\n\n{{ range .AppChanges -}}\n" +
        "updates image {{ .Image }} tag '{{ .OldTag }}' to '{{ .NewTag }}'\n{{ end -}}\n",
    );
  });

  it("render the seed's single-change template exactly, trailing newline included", () => {
    const message = renderCommitMessage(seedTemplate, commitMessageData(app, [appChange]));

    expect(message).toBe(
      "build: update myapp-production image to 1.2.3\n" +
        "Updated by ArgoCD Image Updater\n" +
        "App: myapp-production\n" +
        "Image: myorg/myapp\n" +
        "Old tag: 1.2.2\n" +
        "New tag: 1.2.3\n",
    );
  });

  it("give several applications of one commit as .Applications", () => {
    const data = commitMessageData([
      { application: { namespace: "argocd", name: "a" }, changes: [appChange] },
      { application: { namespace: "team", name: "b" }, changes: sampleChanges.slice(0, 1) },
    ]);
    const template =
      "{{ range .Applications }}{{ .AppNamespace }}/{{ .AppName }}:{{ range .AppChanges }} {{ .Image }}{{ end }}\n{{ end }}";

    expect(renderCommitMessage(template, data)).toBe("argocd/a: myorg/myapp\nteam/b: example/example\n");
    expect(data).toMatchObject({ AppName: "a, b", Image: "myorg/myapp, example/example", AppChanges: [{}, {}] });
  });

  it.each([
    ["docker.io/myorg/myapp", "myorg/myapp"],
    ["nginx", "nginx"],
    ["docker.io/library/nginx", "nginx"],
    ["library/nginx", "library/nginx"],
    ["harbor.example.com/library/x:1.0", "library/x"],
    ["localhost:5000/app@sha256:abc", "app"],
    ["myorg/myapp:1.0", "myorg/myapp"],
  ])(".Image of %s is %s", (image, expected) => {
    expect(commitMessageData(app, [{ image, newTag: "1" }]).Image).toBe(expected);
  });

  it("expose the new image's labels", () => {
    const data = commitMessageData(app, [{ ...appChange, labels: { "org.opencontainers.image.revision": "abc" } }]);

    expect(
      renderCommitMessage(
        '{{ range .AppChanges }}{{ index .Labels "org.opencontainers.image.revision" }}{{ end }}',
        data,
      ),
    ).toBe("abc");
  });
});

describe("branch names", () => {
  it("hash <name>-<old>-<new>, for every change into .SHA256", () => {
    const data = branchNameData({ application: app, changes: sampleChanges, targetKey: "abcd1234" });
    const expected = createHash("sha256")
      .update(
        `example/example-1.0.0-1.0.1,example/updater-${sampleChanges[1]?.oldDigest}-${sampleChanges[1]?.newDigest},`,
      )
      .digest("hex");

    expect(data.SHA256).toBe(expected);
    expect(data).toMatchObject({ AppName: "myapp-production", AppNamespace: "argocd", TargetKey: "abcd1234" });
    expect(data.Images[0]).toEqual({ Name: "example/example", Alias: "", OldTag: "1.0.0", NewTag: "1.0.1" });
  });

  it("render the reference's branch template", () => {
    const data = branchNameData({ application: app, changes: [appChange] });

    expect(renderBranchName("image-updater{{range .Images}}-{{.Name}}-{{.NewTag}}{{end}}", data)).toBe(
      "image-updater-myorg/myapp-1.2.3",
    );
    expect(renderBranchName("image-updater-{{.AppName}}-{{.SHA256}}", data)).toBe(
      `image-updater-myapp-production-${data.SHA256}`,
    );
  });

  it("render the pull request head branch from the target key and the change hash", () => {
    const data = branchNameData({ application: app, changes: [appChange], targetKey: "1a2b3c4d" });

    expect(renderBranchName(PULL_REQUEST_BRANCH_TEMPLATE, data)).toBe(`image-updater-1a2b3c4d-${data.SHA256}`);
  });

  it("give the seed's prefix form image-update/myapp-1.2.3", () => {
    expect(branchNameFromPrefix("image-update/", branchNameData({ application: app, changes: [appChange] }))).toBe(
      "image-update/myapp-1.2.3",
    );
  });

  it("join several images of the prefix form with -", () => {
    const changes: ImageChange[] = [appChange, { image: "ghcr.io/org/worker", newTag: "2.0.0" }];

    expect(branchNameFromPrefix("image-update/", branchNameData({ application: app, changes }))).toBe(
      "image-update/myapp-1.2.3-worker-2.0.0",
    );
  });

  it("truncate to 255 characters", () => {
    const data = branchNameData({ application: { namespace: "n", name: "x".repeat(300) }, changes: [] });

    expect(renderBranchName("b/{{ .AppName }}", data)).toBe(`b/${"x".repeat(253)}`);
  });

  it("refuse a name that renders empty", () => {
    const data = branchNameData({ application: app, changes: [] });

    expect(() => renderBranchName("{{ .Missing }}", data)).toThrow(
      expect.objectContaining({ code: "TEMPLATE_INVALID" }) as Error,
    );
    expect(() => renderBranchName("{{ if }}", data)).toThrow(TemplateError);
  });

  it.each([
    ["image-update/myapp-1.2.3", "image-update/myapp-1.2.3"],
    ["a b\tc", "a-b-c"],
    ["x:y~z^w?v*u[t\\s", "x-y-z-w-v-u-t-s"],
    ["a..b", "a.b"],
    ["a/.hidden/b", "a/hidden/b"],
    ["a.lock/b.lock", "a-lock/b-lock"],
    ["/a//b/", "a/b"],
    ["end.", "end"],
    ["x@{y}", "x@-y}"],
    ["-lead", "lead"],
    ["@", ""],
    ["a/sha256:abc", "a/sha256-abc"],
  ])("sanitise %j to %j", (input, expected) => {
    expect(sanitizeBranchName(input)).toBe(expected);
  });

  it("compute an 8-hex target key", () => {
    expect(computeTargetKey("https://example.com/r.git", "main", "helmvalues")).toMatch(/^[0-9a-f]{8}$/);
    expect(computeTargetKey("r", "main", "a")).not.toBe(computeTargetKey("r", "main", "b"));
  });
});
