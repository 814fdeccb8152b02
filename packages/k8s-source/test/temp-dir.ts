import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

/** A temp folder with helpers to write files into it; `remove()` deletes it. */
export interface TempDir {
  readonly path: string;
  write(relativePath: string, contents: string): Promise<string>;
  remove(): Promise<void>;
}

export async function createTempDir(prefix = "k8s-source-"): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return {
    path,
    async write(relativePath, contents) {
      const file = join(path, relativePath);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, contents);
      return file;
    },
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
