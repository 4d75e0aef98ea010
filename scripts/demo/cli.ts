/**
 * The Pulumi CLI for the engine level: built (or found) once per machine by
 * scripts/pulumi-cli.sh, and the environment that keeps every command offline and isolated:
 * its own PULUMI_HOME, a local file backend, the passphrase secrets provider, no update check,
 * no plugin acquisition.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./build";

let binDir: string | undefined;

/** Runs scripts/pulumi-cli.sh once per process (it prints its progress on stderr). */
export function pulumiBinDir(): string {
  if (binDir) return binDir;
  const out = execFileSync("bash", [path.join(REPO_ROOT, "scripts", "pulumi-cli.sh")], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = out.split("\n").find((l) => l.startsWith("PULUMI_BIN_DIR="));
  if (!line) throw new Error(`scripts/pulumi-cli.sh printed no PULUMI_BIN_DIR line:\n${out}`);
  binDir = line.slice("PULUMI_BIN_DIR=".length).trim();
  return binDir;
}

/** The passphrase of every test and demo stack (the secrets provider is `passphrase`). */
export const STACK_PASSPHRASE = "drplane-engine-level";

/**
 * Environment for `pulumi` with state and plugins under `workDir`: a user's machine is not
 * touched, and parallel test files never share a backend.
 */
export function pulumiEnv(workDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const home = path.join(workDir, "pulumi-home");
  const backend = path.join(workDir, "backend");
  mkdirSync(home, { recursive: true });
  mkdirSync(backend, { recursive: true });
  const bin = pulumiBinDir();
  return {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ""}`,
    PULUMI_HOME: home,
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: STACK_PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    // --event-log (per-resource operations for the checks) is behind this switch.
    PULUMI_DEBUG_COMMANDS: "true",
    PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK: "true",
    // The engine's own output, without colour codes or spinner frames.
    NO_COLOR: "1",
    ...extra,
  };
}
