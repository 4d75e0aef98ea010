/**
 * Stages the built package the way `npm install pulumi-drplane` would: the files `npm pack`
 * publishes, copied to <repo>/node_modules/pulumi-drplane. The provider host resolves
 * `require("pulumi-drplane/dynamic")` only from its cwd's node_modules (no self-reference),
 * and the serializer captures our modules by reference (mapped through package.json
 * `exports`) only when they load from a node_modules path that @pulumi/pulumi itself can
 * resolve, i.e. a sibling in the same node_modules. So the stage is the repo's own
 * node_modules, and the host runs with the repo root as its cwd. The build itself is the
 * demo's (scripts/demo/build.ts).
 */
import { cpSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT, buildPackage } from "../../scripts/demo/build";

export { REPO_ROOT };
export const STAGE_DIR = REPO_ROOT;
export const STAGED_PACKAGE = path.join(STAGE_DIR, "node_modules", "pulumi-drplane");

let staged = false;

/** Builds (unless DRPLANE_SKIP_BUILD=1 or already built this process) and stages the package. */
export function stagePackage(): string {
  if (staged) return STAGE_DIR;
  // `npm test` stages once before running test files in parallel; they must not re-stage.
  if (
    process.env.DRPLANE_STAGED === "1" &&
    existsSync(path.join(STAGED_PACKAGE, "dist", "dynamic", "index.js"))
  ) {
    staged = true;
    return STAGE_DIR;
  }
  buildPackage();
  rmSync(STAGED_PACKAGE, { recursive: true, force: true });
  mkdirSync(STAGED_PACKAGE, { recursive: true });
  for (const entry of ["package.json", "README.md", "dist"]) {
    const from = path.join(REPO_ROOT, entry);
    if (existsSync(from)) cpSync(from, path.join(STAGED_PACKAGE, entry), { recursive: true });
  }
  if (!statSync(path.join(STAGED_PACKAGE, "dist", "dynamic", "index.js")).isFile()) {
    throw new Error("staging failed: dist/dynamic/index.js missing");
  }
  staged = true;
  return STAGE_DIR;
}

/** Loads the staged public API (what a user's program imports). */
export function stagedApi(): typeof import("../../provider/index") {
  stagePackage();
  return require(STAGED_PACKAGE) as typeof import("../../provider/index");
}
