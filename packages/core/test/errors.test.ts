import { describe, expect, it } from "vitest";
import { GitWriteError, ImageUpdaterError, isImageUpdaterError, RegistryError } from "../src/index.js";

describe("errors", () => {
  it("carry a stable code, a retryable flag and the subclass name", () => {
    const error = new RegistryError("REGISTRY_RATE_LIMITED", "too many requests", {
      registry: "docker.io",
      status: 429,
      retryAfterMs: 2000,
      retryable: true,
    });

    expect(error).toBeInstanceOf(ImageUpdaterError);
    expect(error).toMatchObject({ name: "RegistryError", code: "REGISTRY_RATE_LIMITED", retryable: true, status: 429 });
    expect(isImageUpdaterError(error, "REGISTRY_RATE_LIMITED")).toBe(true);
    expect(isImageUpdaterError(error, "GIT_CONFLICT")).toBe(false);
  });

  it("default to not retryable and keep the cause", () => {
    const cause = new Error("socket hang up");
    const error = new GitWriteError("GIT_UNAVAILABLE", "push failed", { cause, branch: "main" });

    expect(error.retryable).toBe(false);
    expect(error.cause).toBe(cause);
    expect(isImageUpdaterError(new Error("plain"))).toBe(false);
  });
});
