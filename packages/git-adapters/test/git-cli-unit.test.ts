import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { finalMessage } from "../src/git-cli/build-commit.js";
import { isPushRace, toGitWriteError } from "../src/git-cli/classify.js";
import { openAuthSession } from "../src/git-cli/credentials.js";
import { normalizeRepoPath } from "../src/git-cli/paths.js";
import { mirrorKey, parseRemoteUrl } from "../src/git-cli/remote-url.js";
import { GitCommandError } from "../src/git-cli/run-git.js";
import { scrubSecrets } from "../src/git-cli/scrub.js";
import { pushRetryDelay } from "../src/git-cli/writer.js";

describe("parseRemoteUrl", () => {
  it.each([
    ["https://bot:s3cret@git.example.com/org/deploy.git", "https://git.example.com/org/deploy.git", "https", true],
    ["https://git.example.com/org/deploy.git", "https://git.example.com/org/deploy.git", "https", false],
    ["ssh://git@git.example.com:2222/org/deploy.git", "ssh://git@git.example.com:2222/org/deploy.git", "ssh", false],
    ["ssh://git:pw@git.example.com/org/deploy.git", "ssh://git@git.example.com/org/deploy.git", "ssh", false],
    ["git@github.com:org/deploy.git", "git@github.com:org/deploy.git", "scp", false],
    ["/srv/git/deploy.git", "/srv/git/deploy.git", "file", false],
    ["file:///srv/git/deploy.git", "file:///srv/git/deploy.git", "file", false],
  ])("%s is stored as %s", (input, stored, scheme, hasUserinfo) => {
    const parsed = parseRemoteUrl(input);

    expect(parsed.url).toBe(stored);
    expect(parsed.scheme).toBe(scheme);
    expect(parsed.userinfo !== undefined).toBe(hasUserinfo);
  });

  it("keeps the credentials of an https URL aside, decoded", () => {
    expect(parseRemoteUrl("https://bot:p%40ss@h/r.git").userinfo).toEqual({ username: "bot", password: "p@ss" });
  });
});

describe("mirrorKey", () => {
  it.each([
    ["https://bot:s3cret@h.example/r.git", "https://h.example/r.git"],
    ["https://h.example/r.git/", "https://h.example/r.git"],
    ["ssh://git@h.example/r.git", "ssh://h.example/r.git"],
    ["git@h.example:r.git", "h.example:r.git"],
  ])("%s shares its mirror with %s", (a, b) => {
    expect(mirrorKey(a)).toBe(mirrorKey(b));
  });

  it("gives different repositories different mirrors", () => {
    expect(mirrorKey("https://h.example/a.git")).not.toBe(mirrorKey("https://h.example/b.git"));
  });
});

describe("scrubSecrets", () => {
  it.each([
    ["fatal: unable to access 'https://bot:hunter22@h/r.git/'", [], "fatal: unable to access 'https://***@h/r.git/'"],
    ["password hunter22 leaked", ["hunter22"], "password *** leaked"],
    [`header ${Buffer.from("hunter22").toString("base64")}`, ["hunter22"], "header ***"],
    ["url p%40ss here", ["p@ss"], "url *** here"],
    ["k -----BEGIN OPENSSH PRIVATE KEY-----\nabc\n-----END OPENSSH PRIVATE KEY----- end", [], "k *** end"],
  ])("%j → %j", (input, secrets: string[], expected) => {
    expect(scrubSecrets(input, secrets)).toBe(expected);
  });
});

describe("normalizeRepoPath", () => {
  it.each([
    ["./app//values.yaml", "app/values.yaml"],
    ["/app/values.yaml", "app/values.yaml"],
    ["app\\values.yaml", "app/values.yaml"],
  ])("%s → %s", (input, expected) => {
    expect(normalizeRepoPath(input)).toBe(expected);
  });

  it.each(["../etc/passwd", "app/../../x", ".git/config", "", "a/.GIT/hooks/x"])(
    "refuses %j with PATH_UNSAFE",
    (input) => {
      expect(() => normalizeRepoPath(input)).toThrow(expect.objectContaining({ code: "PATH_UNSAFE" }));
    },
  );
});

describe("finalMessage", () => {
  const signer = { name: "bot", email: "bot@example.com" };

  it.each([
    ["Update parameters", undefined, "Update parameters\n"],
    ["", undefined, "Update parameters\n"],
    ["subject\n\nbody\n\n\n", undefined, "subject\n\nbody\n"],
    ["fix: subject", signer, "fix: subject\n\nSigned-off-by: bot <bot@example.com>\n"],
    ["s\n\nCo-authored-by: x <x@y>", signer, "s\n\nCo-authored-by: x <x@y>\nSigned-off-by: bot <bot@example.com>\n"],
    ["s\n\nSigned-off-by: bot <bot@example.com>", signer, "s\n\nSigned-off-by: bot <bot@example.com>\n"],
  ])("%j signed off by %j", (message, by, expected) => {
    expect(finalMessage(message, by)).toBe(expected);
  });
});

describe("error classification", () => {
  it.each([
    ["fatal: Authentication failed for 'https://h/r.git/'", "GIT_AUTH", false],
    ["git@h: Permission denied (publickey).", "GIT_AUTH", false],
    ["Host key verification failed.", "GIT_AUTH", false],
    ["fatal: unable to access 'https://h/': Could not resolve host: h", "GIT_UNAVAILABLE", true],
    ["fatal: unable to access 'https://h/': The requested URL returned error: 503", "GIT_UNAVAILABLE", true],
    ["ssh: connect to host h port 22: Connection refused", "GIT_UNAVAILABLE", true],
    ["fatal: repository 'https://h/x.git/' not found", "GIT_FAILED", false],
    [" ! [remote rejected] main -> main (pre-receive hook declined)", "GIT_FAILED", false],
  ])("%s → %s", (stderr, code, retryable) => {
    const error = toGitWriteError(new GitCommandError("push", 128, stderr), {
      operation: "push",
      repoUrl: "https://h/r.git",
    });

    expect(error).toMatchObject({ code, retryable, repoUrl: "https://h/r.git" });
  });

  it.each([
    ["!\trefs/heads/main:refs/heads/main\t[rejected] (fetch first)", true],
    ["!\trefs/heads/b:refs/heads/b\t[rejected] (stale info)", true],
    ["!\trefs/heads/main:refs/heads/main\t[remote rejected] (pre-receive hook declined)", false],
  ])("push output %j is a race: %s", (stdout, race) => {
    expect(isPushRace(new GitCommandError("push", 1, "error: failed to push some refs", stdout))).toBe(race);
  });
});

describe("openAuthSession", () => {
  it("hands https credentials to a helper through the environment only", async () => {
    const session = await openAuthSession(
      { url: "https://h.example/r.git", credentials: { kind: "https", username: "bot", password: "hunter22" } },
      parseRemoteUrl("https://h.example/r.git"),
    );

    const configValues = Object.entries(session.env)
      .filter(([key]) => key.startsWith("GIT_CONFIG_"))
      .map(([, value]) => value)
      .join("\n");
    expect(configValues).not.toContain("hunter22");
    expect(session.env.GIT_CONFIG_VALUE_0).toBe("");
    expect(session.env.IMAGE_UPDATER_GIT_PASSWORD).toBe("hunter22");
    expect(session.secrets).toEqual(["hunter22"]);
  });

  it("uses the userinfo of an https URL as credentials", async () => {
    const session = await openAuthSession(
      { url: "https://bot:pw12@h/r.git" },
      parseRemoteUrl("https://bot:pw12@h/r.git"),
    );

    expect(session.env.IMAGE_UPDATER_GIT_USERNAME).toBe("bot");
    expect(session.secrets).toEqual(["pw12"]);
  });

  it.each([
    [false, "StrictHostKeyChecking=yes"],
    [true, "StrictHostKeyChecking=no"],
  ])(
    "hands an ssh key to a private agent through the environment, never a file, insecureIgnoreHostKey=%s → %s",
    async (insecure, expected) => {
      const session = await openAuthSession(
        {
          url: "ssh://git@h/r.git",
          credentials: {
            kind: "ssh",
            privateKey: "KEY-MATERIAL",
            knownHosts: "h ssh-ed25519 AAAA",
            insecureIgnoreHostKey: insecure,
          },
        },
        parseRemoteUrl("ssh://git@h/r.git"),
        7_000,
      );
      const command = session.env.GIT_SSH_COMMAND ?? "";
      const files = /UserKnownHostsFile=(?<path>\S+)/.exec(command)?.groups?.path;

      try {
        expect(command).toContain(expected);
        expect(command).toMatch(/^ssh-agent -a \S+\/image-updater-run-\S+\/agent-\$\$ sh -c /);
        expect(command).toContain("ConnectTimeout=7");
        expect(command).not.toMatch(/ -i /);
        expect(session.env.IMAGE_UPDATER_SSH_KEY).toBe("KEY-MATERIAL\n");
        if (files !== undefined && files !== "/dev/null") {
          expect(await readFile(files, "utf8")).not.toContain("KEY-MATERIAL");
        }
      } finally {
        await session.dispose();
      }
    },
  );

  it("refuses an ssh key for an https URL with GIT_AUTH", async () => {
    await expect(
      openAuthSession(
        { url: "https://h/r.git", credentials: { kind: "ssh", privateKey: "KEY" } },
        parseRemoteUrl("https://h/r.git"),
      ),
    ).rejects.toMatchObject({ code: "GIT_AUTH" });
  });
});
describe("pushRetryDelay", () => {
  it("grows exponentially with full jitter, capped at 5 s", () => {
    expect([2, 3, 4, 5].map((attempt) => pushRetryDelay(attempt, 100, () => 0.999))).toEqual([99, 199, 399, 799]);
    expect(pushRetryDelay(20, 100, () => 0.999)).toBe(4995);
    expect(pushRetryDelay(3, 100, () => 0)).toBe(0);
  });
});
