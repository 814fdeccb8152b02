import type { TestImageRequest, TestImageResult } from "./test-image-types.js";

/** Collaborators of {@link testImage}. */
export interface TestImageDependencies {
  readonly signal?: AbortSignal;
}

/** Looks the image up in its registry and runs the strategy over its tags. */
export async function testImage(_request: TestImageRequest, _deps: TestImageDependencies): Promise<TestImageResult> {
  throw new Error("the strategy engine is not part of this build yet");
}
