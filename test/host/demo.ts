/**
 * `npm run demo`: the examples/dr-topology program, exactly as a user writes it, run through
 * the real Pulumi dynamic-provider host against two embedded Hitachi simulators:
 *   preview, up (creates), up again (no changes), out-of-band drift found by refresh and
 *   converged by up (a removed registration, then a registration moved to another address),
 *   destroy; then the arrays must hold no registration and no live session.
 * Orchestration is test/host/program.ts, a small test and demo runner, NOT the Pulumi engine:
 * with the Pulumi CLI, `pulumi up` on the same program is the real path (see
 * examples/dr-topology/README.md). Exits non-zero on any failure or unexpected result.
 *
 *   npm run demo                 the whole demo (< 1 minute)
 *   npm run demo -- --serve      only start the simulators and print their endpoints, for a
 *                                real `pulumi up` of examples/dr-topology (Ctrl-C stops them)
 */
import { rmSync } from "node:fs";
import * as path from "node:path";
import { ProviderHost } from "./harness";
import { loadProgram, readState, runProgram, type Mode, type Op, type RunSummary } from "./program";
import { REPO_ROOT, stagePackage } from "./stage";
import { SEED_LOCAL, SEED_REMOTE, startHitachiPair, type HitachiPair } from "../sim/hitachi";

const STATE_PATH = path.join(REPO_ROOT, ".drplane-demo", "state.json");
/** A second address of the remote array (as if it had another REST port), for the move drift. */
const ALIAS_PORT = 23451;
const JOB_MS = 2500;

const CREDENTIALS = {
  local: { username: Object.keys(SEED_LOCAL.users)[0]!, password: Object.values(SEED_LOCAL.users)[0]! },
  remote: { username: Object.keys(SEED_REMOTE.users)[0]!, password: Object.values(SEED_REMOTE.users)[0]! },
};

const say = (line = "") => process.stdout.write(line + "\n");
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface StepRecord {
  title: string;
  mode: Mode | "check" | "drift";
  ops: string;
  durationMs: number;
  ok: boolean;
}

class Demo {
  readonly steps: StepRecord[] = [];
  private shown = { stdout: 0, stderr: 0 };
  private ticker: NodeJS.Timeout | undefined;

  constructor(
    private readonly pair: HitachiPair,
    private readonly host: ProviderHost,
    private readonly program: () => unknown,
    private readonly config: Record<string, string>,
  ) {}

  /** Streams what the provider host prints (what `pulumi up` shows as diagnostics). */
  startEcho(): void {
    this.ticker = setInterval(() => this.echoHost(), 100);
  }

  stopEcho(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.echoHost();
  }

  private echoHost(): void {
    for (const stream of ["stdout", "stderr"] as const) {
      const lines = this.host[stream];
      for (; this.shown[stream] < lines.length; this.shown[stream]++) {
        say(`      host ${stream === "stdout" ? "│" : "!"} ${lines[this.shown[stream]]}`);
      }
    }
  }

  /** Runs one mode of the program and checks the operations against what must happen. */
  async run(title: string, mode: Mode, expected: Op[]): Promise<RunSummary> {
    say();
    say(`── ${title}`);
    const summary = await runProgram(this.program, {
      mode,
      host: this.host,
      statePath: STATE_PATH,
      config: this.config,
      log: (line) => {
        this.echoHost();
        say(`    ${line}`);
      },
    });
    this.echoHost();
    const ops = summary.resources.map((r) => r.op);
    if (mode === "up" && summary.ok && Object.keys(summary.outputs).length > 0) {
      say(`    stack outputs: ${JSON.stringify(summary.outputs)}`);
    }
    for (const e of summary.errors) say(`    ERROR ${e.urn ?? "program"}: ${e.message}`);
    const asExpected = summary.ok && JSON.stringify(ops) === JSON.stringify(expected);
    if (!asExpected)
      say(`    UNEXPECTED: operations ${JSON.stringify(ops)}, expected ${JSON.stringify(expected)}`);
    say(
      `    ${asExpected ? "ok" : "FAILED"}: ${ops.join(", ") || "no resources"} in ${seconds(summary.durationMs)}`,
    );
    this.steps.push({
      title,
      mode,
      ops: ops.join(", ") || "-",
      durationMs: summary.durationMs,
      ok: asExpected,
    });
    if (!asExpected) throw new Error(`step "${title}" did not go as expected`);
    return summary;
  }

  /** Asserts something a user would check on the arrays themselves. */
  expect(title: string, ok: boolean, detail: string): void {
    say(`    ${ok ? "ok" : "FAILED"}: ${title}${detail ? ` (${detail})` : ""}`);
    this.steps.push({ title, mode: "check", ops: detail || "-", durationMs: 0, ok });
    if (!ok) throw new Error(`check "${title}" failed: ${detail}`);
  }

  drift(title: string, action: () => void): void {
    say();
    say(`── ${title}`);
    action();
    this.steps.push({ title, mode: "drift", ops: "out of band", durationMs: 0, ok: true });
  }

  registrationsOn(side: "local" | "remote"): string {
    const list = this.pair[side].registrations();
    return list.map((r) => `${r.storageDeviceId}@${r.restServerIp}:${r.restServerPort}`).join(", ") || "none";
  }
}

async function startSimulators(): Promise<HitachiPair> {
  return startHitachiPair({
    common: { jobDurationMs: JOB_MS },
    remote: { aliases: [`127.0.0.1:${ALIAS_PORT}`] },
  });
}

async function demo(): Promise<number> {
  const started = Date.now();
  say("drplane demo: examples/dr-topology through the real Pulumi dynamic-provider host");
  say("  (orchestrated by test/host/program.ts, a test and demo runner, not the Pulumi engine;");
  say("   with the Pulumi CLI, `pulumi up` is the real path: examples/dr-topology/README.md)");
  say();
  let t = Date.now();
  stagePackage();
  say(`build + stage into node_modules/pulumi-drplane: ${seconds(Date.now() - t)}`);

  const pair = await startSimulators();
  let host: ProviderHost | undefined;
  let demo: Demo | undefined;
  let failed = false;
  try {
    say(`simulators: local ${pair.local.storageDeviceId} (${pair.local.model}) at ${pair.local.url}`);
    say(`            remote ${pair.remote.storageDeviceId} (${pair.remote.model}) at ${pair.remote.url}`);
    say(`            jobs take ${seconds(JOB_MS)}; remote also answers at 127.0.0.1:${ALIAS_PORT}`);
    t = Date.now();
    host = await ProviderHost.start();
    say(`provider host started in ${seconds(Date.now() - t)}`);
    await host.configure({ "drplane:credentials": JSON.stringify(CREDENTIALS) });
    say(
      "configure: credentials from stack config drplane:credentials (profiles local, remote; passwords not shown)",
    );
    rmSync(path.dirname(STATE_PATH), { recursive: true, force: true });
    say(`state file: ${path.relative(REPO_ROOT, STATE_PATH)}`);
    const program = loadProgram(path.join(REPO_ROOT, "examples", "dr-topology"));
    demo = new Demo(pair, host, program, { localEndpoint: pair.local.url, remoteEndpoint: pair.remote.url });
    demo.startEcho();
    try {
      await scenario(demo, pair);
    } catch (err) {
      failed = true;
      say(`\n${err instanceof Error ? err.message : String(err)}`);
      if (readState(STATE_PATH).resources.length > 0) {
        say("cleaning up: destroy");
        await runProgram(program, { mode: "destroy", host, statePath: STATE_PATH }).catch(() => undefined);
      }
    }
  } catch (err) {
    failed = true;
    say(`\nsetup failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    demo?.stopEcho();
    await host?.stop();
    await pair.stop();
  }

  const steps = demo?.steps ?? [];
  say();
  say("summary (test/host/program.ts runner, not the Pulumi engine)");
  const width = Math.max(0, ...steps.map((s) => s.title.length));
  for (const s of steps) {
    const time = s.durationMs ? seconds(s.durationMs).padStart(7) : "".padStart(7);
    say(`  ${s.ok ? "✔" : "✘"} ${s.title.padEnd(width)}  ${time}  ${s.ops}`);
  }
  const ok = !failed && steps.length > 0 && steps.every((s) => s.ok);
  say(`${ok ? "demo passed" : "demo FAILED"} in ${seconds(Date.now() - started)}`);
  return ok ? 0 : 1;
}

/** The steps; each throws when the operations or the arrays are not as expected. */
async function scenario(d: Demo, pair: HitachiPair): Promise<void> {
  const remoteId = pair.remote.storageDeviceId;
  const listsRemote = () => pair.local.registrations().some((r) => r.storageDeviceId === remoteId);

  await d.run("1. preview (empty stack)", "preview", ["create"]);
  d.expect("preview changed nothing on the array", pair.local.registrations().length === 0, "");

  await d.run("2. up: creates the registration", "up", ["create"]);
  d.expect("local array lists the remote", listsRemote(), d.registrationsOn("local"));
  d.expect(
    "mutual discovery registered the local array on the remote",
    pair.remote.registrations().length === 1,
    d.registrationsOn("remote"),
  );

  await d.run("3. up again: no changes", "up", ["same"]);

  d.drift("4. drift: someone deletes the registration on the local array", () => {
    pair.local.removeRegistration(remoteId);
    say(`    local array registrations now: ${d.registrationsOn("local")}`);
  });
  await d.run("4a. refresh finds it gone", "refresh", ["refresh-gone"]);
  await d.run("4b. up re-creates it", "up", ["create"]);
  d.expect("local array lists the remote again", listsRemote(), d.registrationsOn("local"));

  d.drift(`5. drift: someone re-registers the remote at port ${ALIAS_PORT}`, () => {
    pair.local.mutateRegistration(remoteId, { restServerPort: ALIAS_PORT });
    say(`    local array registrations now: ${d.registrationsOn("local")}`);
  });
  await d.run("5a. refresh records the drift", "refresh", ["refresh-drift"]);
  await d.run("5b. up converges: replaces it (delete first)", "up", ["replace"]);
  d.expect(
    "registration points at the declared address again",
    pair.local.registrations().some((r) => r.restServerPort === pair.remote.restServerPort),
    d.registrationsOn("local"),
  );

  await d.run("6. destroy", "destroy", ["delete"]);
  say();
  say("── 7. final checks on the simulators");
  d.expect(
    "no registration on the local array",
    pair.local.registrations().length === 0,
    d.registrationsOn("local"),
  );
  d.expect(
    "no registration on the remote array",
    pair.remote.registrations().length === 0,
    d.registrationsOn("remote"),
  );
  d.expect(
    "no live session on either array",
    pair.local.liveSessions === 0 && pair.remote.liveSessions === 0,
    `local ${pair.local.liveSessions}, remote ${pair.remote.liveSessions}; logins ${pair.local.logins}+${pair.remote.logins}`,
  );
  d.expect(
    "state file is empty",
    readState(STATE_PATH).resources.length === 0,
    path.relative(REPO_ROOT, STATE_PATH),
  );
}

/** `--serve`: the simulators alone, for a real `pulumi up` (examples/dr-topology/README.md). */
async function serve(): Promise<number> {
  const pair = await startHitachiPair({ common: { jobDurationMs: 3000 } });
  say("Hitachi simulators running (Ctrl-C to stop). In the shell that runs pulumi:");
  say(`  export DRPLANE_DEMO_LOCAL_ENDPOINT=${pair.local.url}`);
  say(`  export DRPLANE_DEMO_REMOTE_ENDPOINT=${pair.remote.url}`);
  say("credentials (profile: username / password):");
  say(`  local:  ${CREDENTIALS.local.username} / ${CREDENTIALS.local.password}`);
  say(`  remote: ${CREDENTIALS.remote.username} / ${CREDENTIALS.remote.password}`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  say(
    `stopping; local registrations: ${pair.local.registrations().length}, live sessions: ${pair.local.liveSessions}`,
  );
  await pair.stop();
  return 0;
}

const args = process.argv.slice(2);
const main = args.includes("--serve") ? serve : demo;
if (args.some((a) => a !== "--serve")) {
  console.error(`usage: npm run demo [-- --serve]`);
  process.exit(2);
}
main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
