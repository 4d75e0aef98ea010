#!/usr/bin/env node
// `npm test`: build and stage the package once (as `npm install` would), make sure the Pulumi
// CLI is built (scripts/pulumi-cli.sh) when engine tests run, then run every
// *.test.ts under test/ and provider/ with Node's built-in test runner (through tsx).
// Extra arguments are file filters: `npm test -- hitachi` runs files whose path contains it.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const filters = process.argv.slice(2);

function findTests(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...findTests(full));
    else if (name.endsWith(".test.ts")) out.push(path.relative(root, full));
  }
  return out;
}

const files = ["test", "provider"]
  .flatMap((d) => findTests(path.join(root, d)))
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort();
if (files.length === 0) {
  console.error(`no test files match ${filters.join(" ")}`);
  process.exit(1);
}

const stage = spawnSync(
  process.execPath,
  ["--import", "tsx", "-e", 'require("./test/host/stage").stagePackage()'],
  {
    cwd: root,
    stdio: "inherit",
  },
);
if (stage.status !== 0) process.exit(stage.status ?? 1);

// The engine level needs the Pulumi CLI: built from its Go module on a machine's first run
// (progress on stderr), reused from the per-machine cache after that.
if (files.some((f) => f.startsWith(`test${path.sep}engine${path.sep}`))) {
  const cli = spawnSync("bash", [path.join(root, "scripts", "pulumi-cli.sh")], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (cli.status !== 0) process.exit(cli.status ?? 1);
}

const run = spawnSync(
  process.execPath,
  ["--import", "tsx", "--test", "--test-concurrency=2", "--test-timeout=600000", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, DRPLANE_STAGED: "1" } },
);
process.exit(run.status ?? 1);
