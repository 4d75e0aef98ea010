/**
 * Pulumi programs installed as a user installs them: the package is built and packed with
 * `npm pack`, and a copy of the program folder gets it with `npm install ./pulumi-drplane-<v>.tgz`
 * (no staged copy, no symlink), next to @pulumi/pulumi and the program's own dependencies.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT, buildPackage, builtByTestRun } from "./build";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const packed = new Map<string, string>();

/** A new folder under the system temp dir, named for what it holds. */
export function tempDir(purpose: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `drplane-${purpose}-`));
}

function npm(args: string[], cwd: string): string {
  return execFileSync(NPM, [...args, "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/**
 * Builds the package (once per process) and packs it; with `version`, the tarball carries that
 * version instead of package.json's, and `patchDist` may change the copied dist/ first (the
 * upgrade test installs two versions in turn, the second with a changed resource shell).
 */
export function packPackage(version?: string, patchDist?: (distDir: string) => void): string {
  const key = version ?? "";
  const done = packed.get(key);
  if (done) return done;
  if (!builtByTestRun()) buildPackage();
  let source = REPO_ROOT;
  if (version) {
    source = tempDir("pack");
    for (const entry of ["README.md", "dist"])
      cpSync(path.join(REPO_ROOT, entry), path.join(source, entry), { recursive: true });
    patchDist?.(path.join(source, "dist"));
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
    writeFileSync(
      path.join(source, "package.json"),
      JSON.stringify({ ...manifest, version, scripts: {} }, null, 2),
    );
  }
  const out = tempDir("tarball");
  const name = npm(["pack", "--pack-destination", out], source).trim().split("\n").pop()!;
  const tarball = path.join(out, name);
  if (!existsSync(tarball)) throw new Error(`npm pack produced no ${tarball}`);
  packed.set(key, tarball);
  return tarball;
}

/** Files of an example that make up the program (not its README or repo-only typings). */
const PROGRAM_FILES = ["Pulumi.yaml", "index.ts", "tsconfig.json", "package.json"];

/**
 * Copies `source` (a program folder: Pulumi.yaml, index.ts, tsconfig.json, package.json) to a
 * new temp folder and installs its dependencies there, with pulumi-drplane from `tarball`.
 * Returns the folder; `pulumi` runs in it.
 */
export function installProgram(source: string, tarball = packPackage(), into = tempDir("program")): string {
  for (const file of readdirSync(source)) {
    if (PROGRAM_FILES.includes(file)) cpSync(path.join(source, file), path.join(into, file));
  }
  installPackage(into, tarball);
  return into;
}

/** Points the program's pulumi-drplane dependency at `tarball` and installs it (`npm install`). */
export function installPackage(programDir: string, tarball: string): void {
  setDependency(programDir, tarball);
  npm(["install", "--prefer-offline"], programDir);
}

function setDependency(programDir: string, tarball: string): void {
  const file = path.join(programDir, "package.json");
  const manifest = JSON.parse(readFileSync(file, "utf8")) as { dependencies?: Record<string, string> };
  manifest.dependencies = { ...manifest.dependencies, "pulumi-drplane": `file:${tarball}` };
  writeFileSync(file, JSON.stringify(manifest, null, 2) + "\n");
}

/** The version of pulumi-drplane installed in a program folder. */
export function installedVersion(programDir: string): string {
  const manifest = path.join(programDir, "node_modules", "pulumi-drplane", "package.json");
  return (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version;
}
