#!/usr/bin/env node
// Runs the built daemon; `pnpm build` (part of the setup script) produces dist/.
await import("../dist/main.js");
