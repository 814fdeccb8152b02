/** The {@link GitRemoteFixture} of a remote held by core's memory git writer. */
import type { MemoryRemote } from "@image-updater/core";
import { EXTERNAL_AUTHOR, type GitRemoteFixture } from "./remote.js";

/**
 * `remote` as the git writer suite sees it. It has no `verifySignature`: memory commits record the signing
 * request but carry no signature, so a memory harness opts out of the signing cases (`GIT_SIGNING_CASES`).
 */
export function memoryRemote(remote: MemoryRemote): GitRemoteFixture {
  return {
    repository: { url: remote.url },
    async commit(branch, files, message) {
      return remote.commit(branch, files, message, EXTERNAL_AUTHOR);
    },
    tip: async (branch) => remote.tip(branch),
    log: async (branch) =>
      remote
        .log(branch)
        .map(({ sha, subject, body, author, committer }) => ({ sha, subject, body, author, committer })),
    read: async (branch, path) => remote.read(branch, path),
    async setDefaultBranch(branch) {
      remote.defaultBranch = branch;
    },
    async denyForcePush() {
      remote.denyNonFastForward = true;
    },
    async protectBranch(branch) {
      remote.protect(branch);
    },
  };
}
