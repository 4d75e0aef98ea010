#!/usr/bin/env node
// `npm run demo [-- --serve]`: launches scripts/demo/index.ts (TypeScript, through tsx) with the
// given arguments and forwards its exit code. See that file for what the demo does.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

// Ctrl-C reaches the demo too (same process group); wait for it to stop its simulators.
process.on("SIGINT", () => {});

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "scripts/demo/index.ts", ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (run.error) console.error(run.error.message);
process.exit(run.status ?? 1);
