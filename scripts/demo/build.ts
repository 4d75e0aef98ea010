/**
 * The repository root and the package build (`tsc -p tsconfig.build.json` into dist/), once per
 * process: what `npm pack` publishes for the demo and the engine tests. test/host/stage.ts builds
 * through it too before staging the package into node_modules.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

const BUILT = path.join(REPO_ROOT, "dist", "dynamic", "index.js");
let built = false;

/** Builds dist/ unless built this process, or DRPLANE_SKIP_BUILD=1 and a build exists. */
export function buildPackage(): void {
  if (built) return;
  if (process.env.DRPLANE_SKIP_BUILD !== "1" || !existsSync(BUILT)) {
    execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
      cwd: REPO_ROOT,
      stdio: "inherit",
    });
  }
  built = true;
}

/**
 * Whether dist/ is already built by `npm test` for the test files it runs in parallel
 * (DRPLANE_STAGED=1): they must not rebuild under each other.
 */
export function builtByTestRun(): boolean {
  return process.env.DRPLANE_STAGED === "1" && existsSync(BUILT);
}
