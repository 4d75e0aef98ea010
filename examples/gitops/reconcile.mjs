#!/usr/bin/env node
/**
 * One reconciliation pass of a Pulumi stack, for a GitOps loop (a scheduled CI job, a cron
 * entry, a controller): refresh the state from the systems, detect drift with
 * `pulumi preview --expect-no-changes`, converge with `pulumi up`, check again, and print a
 * drift report. Works for any Pulumi program; written for pulumi-drplane's DR topologies.
 *
 *   node reconcile.mjs [--cwd <program dir>] [--stack <name>] [--report <file.json>] [--no-converge]
 *
 * Exit codes: 0 in sync; 2 drift found and converged; 3 drift found, not converged
 * (--no-converge); 1 a command failed (the report says which). Needs `pulumi` on PATH and the
 * stack's backend and secrets settings in the environment (PULUMI_BACKEND_URL,
 * PULUMI_CONFIG_PASSPHRASE or a KMS secrets provider, …), as any non-interactive pulumi run.
 *
 * Why each flag:
 * - refresh --run-program: the provider is configured from the program's current config. A
 *   plain refresh configures it from the config recorded in state at the last `up`, so right
 *   after a password rotation it would send the old password to the arrays (docs/engine.md).
 * - preview --expect-no-changes: exits 7 (the CLI's "changes proposed" code) on drift, 0 when
 *   in sync; any other code is a failure, not drift.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const DRIFT_EXIT = 7;

function parseArgs(argv) {
  const opts = { cwd: process.cwd(), stack: undefined, report: undefined, converge: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--cwd") opts.cwd = argv[++i];
    else if (a === "--stack") opts.stack = argv[++i];
    else if (a === "--report") opts.report = argv[++i];
    else if (a === "--no-converge") opts.converge = false;
    else {
      console.error(`usage: reconcile.mjs [--cwd dir] [--stack name] [--report file.json] [--no-converge]`);
      process.exit(1);
    }
  }
  return opts;
}

const opts = parseArgs(process.argv.slice(2));
const stackArgs = opts.stack ? ["--stack", opts.stack] : [];
const report = {
  stack: opts.stack ?? "(selected)",
  startedAt: new Date().toISOString(),
  steps: [],
  drift: [],
};

/** Runs one pulumi command; its human output goes to stderr so stdout stays the report. */
function pulumi(args, { json = false, quiet = false } = {}) {
  const full = [...args, ...stackArgs, "--non-interactive", ...(json ? ["--json"] : [])];
  const started = Date.now();
  const r = spawnSync("pulumi", full, { cwd: opts.cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (!json && !quiet) process.stderr.write(r.stdout);
  process.stderr.write(r.stderr);
  if (!quiet) {
    report.steps.push({
      command: `pulumi ${full.join(" ")}`,
      exit: r.status,
      seconds: (Date.now() - started) / 1000,
    });
  }
  let parsed;
  if (json) {
    try {
      parsed = JSON.parse(r.stdout);
    } catch {
      parsed = undefined;
    }
  }
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, json: parsed };
}

const customOnly = (s) => s.urn && !/::pulumi:(pulumi:Stack|providers:)/.test(s.urn);
const nameOf = (urn) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn) => urn.split("::")[2] ?? "";
const visible = (props = {}) =>
  Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));

/** The stack's custom resources and their outputs, from `pulumi stack export`. */
function stateOutputs() {
  const r = pulumi(["stack", "export"], { quiet: true });
  if (r.code !== 0) finish(1, "stack export failed");
  const resources = JSON.parse(r.stdout).deployment?.resources ?? [];
  return new Map(resources.filter(customOnly).map((res) => [res.urn, visible(res.outputs)]));
}

/** What a refresh changed in the state: resources gone, and outputs that differ. */
function refreshChanges(before, after) {
  const out = [];
  for (const [urn, was] of before) {
    const now = after.get(urn);
    if (!now) {
      out.push({ resource: nameOf(urn), type: typeOf(urn), change: "gone from the system" });
      continue;
    }
    const keys = [...new Set([...Object.keys(was), ...Object.keys(now)])].filter(
      (k) => JSON.stringify(was[k]) !== JSON.stringify(now[k]),
    );
    if (keys.length)
      out.push({ resource: nameOf(urn), type: typeOf(urn), change: `changed: ${keys.join(", ")}` });
  }
  return out;
}

/** What a preview proposes: one entry per resource whose step is not "same". */
function plannedChanges(steps = []) {
  return steps
    .filter((s) => customOnly(s) && s.op !== "same")
    .map((s) => ({
      resource: nameOf(s.urn),
      type: typeOf(s.urn),
      op: s.op,
      keys: (s.diffReasons ?? s.replaceReasons ?? []).filter((k) => !k.startsWith("__")),
    }));
}

function finish(code, outcome) {
  report.outcome = outcome;
  report.finishedAt = new Date().toISOString();
  const lines = [`drift report for stack ${report.stack}: ${outcome}`];
  for (const d of report.refreshed ?? []) lines.push(`  refresh  ${d.resource} (${d.type}): ${d.change}`);
  for (const d of report.drift) {
    lines.push(
      `  planned  ${d.op.padEnd(8)} ${d.resource} (${d.type})${d.keys.length ? `: ${d.keys.join(", ")}` : ""}`,
    );
  }
  for (const s of report.steps)
    lines.push(`  ran      ${s.command} → exit ${s.exit} in ${s.seconds.toFixed(1)} s`);
  console.log(lines.join("\n"));
  if (opts.report) writeFileSync(opts.report, JSON.stringify(report, null, 2) + "\n");
  process.exit(code);
}

const before = stateOutputs();
const refresh = pulumi(["refresh", "--yes", "--skip-preview", "--run-program"]);
if (refresh.code !== 0) finish(1, "refresh failed");
report.refreshed = refreshChanges(before, stateOutputs());

const check = pulumi(["preview", "--expect-no-changes", "--diff"], { json: true });
if (check.code === 0) finish(0, "in sync");
if (check.code !== DRIFT_EXIT) finish(1, `preview failed (exit ${check.code})`);
report.drift = plannedChanges(check.json?.steps);
if (!opts.converge) finish(3, "drift found, not converged (--no-converge)");

const up = pulumi(["up", "--yes", "--skip-preview"]);
if (up.code !== 0) finish(1, `up failed (exit ${up.code})`);
const after = pulumi(["preview", "--expect-no-changes"], { json: true });
if (after.code !== 0) finish(1, "still drifting after up");
finish(2, "drift found and converged");
