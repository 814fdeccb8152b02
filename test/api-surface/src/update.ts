// Rewrites every public package's `api.txt` from its sources; review the diff, then commit it.
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { repositoryRoot } from "./packages.js";
import { surfaceOf } from "./report.js";

for (const surface of surfaceOf()) {
  writeFileSync(surface.package.reportFile, surface.report);
  console.log(`${relative(repositoryRoot, surface.package.reportFile)}: ${surface.names.length} names`);
}
