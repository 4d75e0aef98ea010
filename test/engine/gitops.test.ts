/**
 * Engine level: examples/gitops/reconcile.mjs (refresh → preview --expect-no-changes → up →
 * check again → drift report) against the simulators, with drift injected out of band, as a
 * scheduled GitOps job runs it.
 */
import { after, before, describe, test } from "node:test";
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { installProgram, tempDir } from "./program-dir";
import { EngineStack } from "./stack";
import { ALARM_RECEIVER, ERP_VM, siteWithStack, teardown, type DrSite } from "./dr-site";
import { REPO_ROOT } from "../host/stage";

const EXAMPLE = path.join(REPO_ROOT, "examples", "dr-topology");
const RECONCILE = path.join(REPO_ROOT, "examples", "gitops", "reconcile.mjs");

interface Report {
  outcome: string;
  refreshed: { resource: string; change: string }[];
  drift: { resource: string; op: string; keys: string[] }[];
  steps: { command: string; exit: number }[];
}

describe("examples/gitops/reconcile.mjs", () => {
  let site: DrSite;
  let stack: EngineStack;
  const reportFile = path.join(tempDir("gitops"), "report.json");

  /** Runs the script as a scheduled job would. Asynchronously: the simulators live in this process. */
  const reconcile = async (...extra: string[]) => {
    const child = spawn(
      process.execPath,
      [RECONCILE, "--cwd", stack.programDir, "--stack", stack.name, "--report", reportFile, ...extra],
      { env: stack.env, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    const report = JSON.parse(readFileSync(reportFile, "utf8")) as Report;
    return { code, stdout, stderr, report };
  };

  before(async () => {
    ({ site, stack } = await siteWithStack(installProgram(EXAMPLE), "gitops", { jobDurationMs: 1000 }));
    const up = await stack.up();
    assert.equal(up.code, 0, up.stdout);
  });
  after(async () => {
    await teardown(stack, site);
  });

  test("a stack in sync: exit 0, nothing planned, nothing changed", async () => {
    const requestsBefore = site.hitachi.local.server.requests().filter((e) => e.method !== "GET").length;
    const r = await reconcile();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(r.report.outcome, "in sync");
    assert.deepEqual(r.report.drift, []);
    assert.deepEqual(r.report.refreshed, []);
    assert.match(r.stdout, /drift report for stack gitops: in sync/);
    const writes =
      site.hitachi.local.server.requests().filter((e) => e.method !== "GET").length - requestsBefore;
    assert.ok(
      writes <= 2,
      `only session logins/logouts, no change on the array (${writes} non-GET requests)`,
    );
  });

  test("out-of-band drift: reported per resource, converged by up, exit 2", async () => {
    site.hitachi.local.removeRegistration(site.hitachi.remote.storageDeviceId);
    site.vrg.production.setTrap({ ip: "192.0.2.99", port: 1162 });

    const r = await reconcile();
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.equal(r.report.outcome, "drift found and converged");
    const refreshed = Object.fromEntries(r.report.refreshed.map((d) => [d.resource, d.change]));
    assert.equal(refreshed["site-link"], "gone from the system");
    assert.match(refreshed["prod-traps"] ?? "", /ip/);
    const planned = Object.fromEntries(r.report.drift.map((d) => [d.resource, d.op]));
    assert.deepEqual(planned, { "site-link": "create", "prod-traps": "update" });
    assert.match(r.stdout, /planned +create +site-link/);

    assert.equal(site.hitachi.local.registrations().length, 1);
    assert.deepEqual(site.vrg.production.trapInfo, ALARM_RECEIVER);
    assert.ok(site.vrg.dr.strategy(ERP_VM.uuid), "the rest of the topology is untouched");
  });

  test("--no-converge only reports: exit 3, the drift stays", async () => {
    site.vrg.dr.setTrap({ ip: "0.0.0.0" });
    const r = await reconcile("--no-converge");
    assert.equal(r.code, 3, r.stdout + r.stderr);
    assert.deepEqual(
      r.report.drift.map((d) => `${d.op} ${d.resource}`),
      ["create dr-traps"],
    );
    assert.equal(site.vrg.dr.trapInfo, undefined, "nothing was changed on the VRG");
    assert.ok(!r.report.steps.some((s) => s.command.startsWith("pulumi up")));
  });

  test("a failing refresh is a failure, not drift: exit 1", async () => {
    site.vrg.production.injectError("GET /vrgservice/trapinfo", "10440000", { times: 1000 });
    const r = await reconcile();
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.report.outcome, "refresh failed");
    site.vrg.production.server.faults.clear();
  });
});
