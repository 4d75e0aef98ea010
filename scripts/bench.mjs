#!/usr/bin/env node
// `npm run bench [-- name]`: runs bench/<name>/index.ts (all when no name is given, except the
// benches that only run when named: bench/engine drives the real pulumi CLI for many minutes).
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const names = process.argv.slice(2);
const ON_REQUEST = ["engine", "slo"]; // slo: real Swift, files up to 1 GiB
const all = readdirSync(path.join(root, "bench")).filter(
  (d) => existsSync(path.join(root, "bench", d, "index.ts")) && !ON_REQUEST.includes(d),
);
if (!names.length) console.log(`bench: ${ON_REQUEST.join(", ")} only when named (npm run bench -- engine)`);
let status = 0;
for (const name of names.length ? names : all) {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join("bench", name, "index.ts")], {
    cwd: root,
    stdio: "inherit",
  });
  status ||= r.status ?? 1;
}
process.exit(status);
