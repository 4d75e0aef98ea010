/**
 * bench/engine: `pulumi up` and `pulumi refresh` of N VmDrStrategy resources (default 500) on
 * the VRG simulator through the real Pulumi CLI, at the engine's default parallelism (no
 * --parallel flag) and at --parallel 8. For each command: the requests (by route) and logins
 * the simulator saw, wall time, how many provider hosts the engine started, and the provider's
 * share: the time inside pulumi-drplane's handlers (union of the handler calls in flight, from
 * bench/engine/handler-timing.cjs, loaded into the engine's node processes with NODE_OPTIONS;
 * no product change) over the command's wall time.
 *
 * Baselines measured in the same run: the same program in "noop" mode (N dynamic resources
 * whose provider does nothing: the engine's and the dynamic-provider host's own cost), and
 * the host level (bench/vrg's path: the same handlers called in this process, no engine).
 * Ratios only, never a pass/fail on time. README.md holds the figures and the caveats.
 *
 *   npm run bench -- engine
 *   BENCH_ENGINE_N=100 BENCH_ENGINE_PARALLEL=default,8,32 npm run bench -- engine
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { clearStackCredentials, setStackCredentials } from "../../provider/core/credentials";
import { closeAllAgents } from "../../provider/core/http";
import { setLogSink } from "../../provider/core/log";
import { drainSessions } from "../../provider/core/session";
import { vmDrStrategyHandler } from "../../provider/dynamic/vrg-strategy";
import { resetStrategyReaders } from "../../provider/vendors/vrg/strategy-reader";
import { REPO_ROOT } from "../../test/host/stage";
import { pulumiBinDir } from "../../test/engine/cli";
import { installProgram, tempDir } from "../../test/engine/program-dir";
import { EngineStack, type CommandResult } from "../../test/engine/stack";
import { DEFAULT_VRG_PASSWORD, DEFAULT_VRG_USER, startVrg, type VrgSim } from "../../test/sim/vrg";

const N = Number(process.env.BENCH_ENGINE_N ?? 500);
/** "default" = no --parallel flag (the engine's default: GOMAXPROCS × 4, or PULUMI_PARALLEL). */
const PARALLEL = (process.env.BENCH_ENGINE_PARALLEL ?? "default,8").split(",").map((p) => p.trim());
const PROFILE = "bench";
const PROGRAM = path.join(REPO_ROOT, "bench", "engine", "program");
const PROBE = path.join(REPO_ROOT, "bench", "engine", "handler-timing.cjs");
const LOGOUT = "DELETE /vrgservice/session";

/** What each row runs: `refresh -f` is `pulumi refresh --skip-preview` (one provider host, not two). */
const COMMANDS = {
  up: { verb: "up", flags: [] },
  refresh: { verb: "refresh", flags: [] },
  "refresh -f": { verb: "refresh", flags: ["--skip-preview"] },
  destroy: { verb: "destroy", flags: [] },
} as const satisfies Record<string, { verb: "up" | "refresh" | "destroy"; flags: string[] }>;
type Command = keyof typeof COMMANDS;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const vmUuid = (i: number) => `6f1c2d3e-4b5a-4c6d-8e7f-${i.toString(16).padStart(12, "0")}`;
const strategyInputs = (endpoint: string, i: number) => ({
  connection: { endpoint, profile: PROFILE },
  role: "production",
  vmUuid: vmUuid(i),
  platform: "xen",
  volumes: [{ volUuid: `vol-${i}`, slot: 1 }],
});

interface HandlerCall {
  pid: number;
  kind: string;
  method: string;
  start: number;
  end: number;
}

interface Figures {
  mode: "drplane" | "noop" | "host";
  command: string;
  parallel: string;
  wallMs: number;
  /** Requests the VRG saw, the logouts at host shutdown excluded (as bench/vrg counts). */
  requests?: number;
  logouts?: number;
  logins?: number;
  routes?: Record<string, number>;
  /** Provider hosts that ran a handler. */
  hosts?: number;
  calls?: Record<string, number>;
  /** Union of the intervals with at least one handler call in flight. */
  busyMs?: number;
  /** Sum of the handler calls' durations (concurrent calls counted each). */
  sumMs?: number;
  hostCpuMs?: number;
  resources?: string;
}

/** Total length of the union of [start, end] intervals. */
function unionMs(calls: HandlerCall[]): number {
  const sorted = [...calls].sort((a, b) => a.start - b.start);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const c of sorted) {
    if (c.start > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = c.start;
      curEnd = c.end;
    } else curEnd = Math.max(curEnd, c.end);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

function countBy<T>(items: T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

/** The probe's records since the last call (then removed), once every host that dispatched has exited. */
async function collectTiming(dir: string): Promise<{ calls: HandlerCall[]; hosts: number; cpuMs: number }> {
  const read = () =>
    readdirSync(dir).map((f) =>
      readFileSync(path.join(dir, f), "utf8")
        .split("\n")
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    );
  // The engine stops each provider host with SIGINT; it logs out and exits within ~4 s.
  for (let i = 0; i < 40 && !read().every((lines) => lines.some((l) => "exit" in l)); i++) await sleep(250);
  const files = read();
  const calls = files.flat().filter((l) => "method" in l) as unknown as HandlerCall[];
  const cpuMs = files.flat().reduce((s, l) => s + (typeof l.cpuMs === "number" ? l.cpuMs : 0), 0);
  for (const f of readdirSync(dir)) rmSync(path.join(dir, f));
  return { calls, hosts: files.length, cpuMs };
}

async function waitForLogouts(vrg: VrgSim): Promise<void> {
  for (let i = 0; i < 40 && vrg.liveTokens > 0; i++) await sleep(250);
}

function requestFigures(
  vrg: VrgSim,
  loginsBefore: number,
): Pick<Figures, "requests" | "logouts" | "logins" | "routes"> {
  const log = vrg.server.requests();
  const routes = countBy(log, (e) => e.route ?? `${e.method} ${e.path} (no route)`);
  const logouts = routes[LOGOUT] ?? 0;
  return { requests: log.length - logouts, logouts, logins: vrg.logins - loginsBefore, routes };
}

async function engineCommand(
  stack: EngineStack,
  mode: "drplane" | "noop",
  command: Command,
  parallel: string,
  vrg: VrgSim,
  timingDir: string,
): Promise<Figures> {
  const extra = [...COMMANDS[command].flags, ...(parallel === "default" ? [] : ["--parallel", parallel])];
  vrg.server.resetLog();
  const loginsBefore = vrg.logins;
  const r: CommandResult = await stack[COMMANDS[command].verb](extra);
  if (r.code !== 0) {
    throw new Error(
      `pulumi ${command} (${mode}, parallel ${parallel}) failed: exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-2000)}`,
    );
  }
  const timing = await collectTiming(timingDir);
  await waitForLogouts(vrg);
  const figures: Figures = {
    mode,
    command,
    parallel,
    wallMs: r.durationMs,
    resources: Object.entries(countBy(r.resources, (x) => x.op))
      .map(([op, n]) => `${n} ${op}`)
      .join(", "),
  };
  if (mode === "drplane") {
    Object.assign(figures, requestFigures(vrg, loginsBefore), {
      hosts: timing.hosts,
      calls: countBy(timing.calls, (c) => c.method),
      busyMs: unionMs(timing.calls),
      sumMs: timing.calls.reduce((s, c) => s + c.end - c.start, 0),
      hostCpuMs: timing.cpuMs,
    });
  }
  return figures;
}

/** A pool of `parallel` workers over 0..n-1 (the engine's step executor, without the engine). */
async function pool(n: number, parallel: number, one: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, n) }, async () => {
      while (next < n) await one(next++);
    }),
  );
}

/**
 * The host-level path: the handlers called in this process as one provider host would run
 * them (create N, read N, delete N), with the engine's parallelism but no engine. A new
 * "host" per command: no token, no reader cache.
 */
async function hostLevel(vrg: VrgSim, parallel: number): Promise<Figures[]> {
  const out: Figures[] = [];
  const ids: string[] = [];
  const steps: Array<[string, (i: number) => Promise<unknown>]> = [
    [
      "up",
      async (i) => {
        const inputs = strategyInputs(vrg.url, i);
        const checked = await vmDrStrategyHandler.check({}, inputs);
        const r = await vmDrStrategyHandler.create(checked.inputs ?? inputs);
        ids[i] = r.id;
      },
    ],
    ["refresh", (i) => vmDrStrategyHandler.read(ids[i]!, strategyInputs(vrg.url, i))],
    ["destroy", (i) => vmDrStrategyHandler.delete(ids[i]!, strategyInputs(vrg.url, i))],
  ];
  for (const [command, one] of steps) {
    await drainSessions();
    resetStrategyReaders();
    vrg.server.resetLog();
    const loginsBefore = vrg.logins;
    const started = performance.now();
    await pool(N, parallel, one);
    const wallMs = performance.now() - started;
    await drainSessions();
    out.push({
      mode: "host",
      command,
      parallel: String(parallel),
      wallMs,
      ...requestFigures(vrg, loginsBefore),
    });
  }
  resetStrategyReaders();
  return out;
}

/** The engine's default parallelism: GOMAXPROCS × 4 (cmd/pulumi/operations/up.go), or PULUMI_PARALLEL. */
const DEFAULT_PARALLEL = Number(process.env.PULUMI_PARALLEL) || os.availableParallelism() * 4;
const hostParallel = (p: string) => String(p === "default" ? DEFAULT_PARALLEL : Number(p));

const s = (ms: number | undefined) => (ms === undefined ? "-" : (ms / 1000).toFixed(1));
const pct = (part: number | undefined, whole: number) =>
  part === undefined ? "-" : `${((100 * part) / whole).toFixed(0)} %`;

function printTable(all: Figures[]): void {
  const noop = (f: Figures) =>
    all.find((x) => x.mode === "noop" && x.command === f.command && x.parallel === f.parallel);
  const host = (f: Figures) =>
    all.find(
      (x) =>
        x.mode === "host" && x.command === f.command.split(" ")[0] && x.parallel === hostParallel(f.parallel),
    );
  const head = [
    "command",
    "parallel",
    "wall s",
    "requests",
    "logins",
    "hosts",
    "handler busy s",
    "share",
    "handler sum s",
    "host CPU s",
    "noop wall s",
    "wall/noop",
    "host-level s",
    "host-level req",
    "req/host-level",
  ];
  const rows = all
    .filter((f) => f.mode === "drplane")
    .map((f) => {
      const n = noop(f);
      const h = host(f);
      return [
        f.command,
        f.parallel,
        s(f.wallMs),
        String(f.requests),
        String(f.logins),
        String(f.hosts),
        s(f.busyMs),
        pct(f.busyMs, f.wallMs),
        s(f.sumMs),
        s(f.hostCpuMs),
        s(n?.wallMs),
        n ? `${(f.wallMs / n.wallMs).toFixed(1)}x` : "-",
        s(h?.wallMs),
        h ? String(h.requests) : "-",
        h?.requests ? `${(f.requests! / h.requests).toFixed(2)}x` : "-",
      ];
    });
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  console.log(line(head));
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  console.log(
    `bench/engine: ${N} VmDrStrategy resources on one VRG (simulator, loopback) through the real pulumi CLI`,
  );
  console.log(
    `parallelism: ${PARALLEL.join(", ")} ("default" = no --parallel flag: GOMAXPROCS × 4 = ${DEFAULT_PARALLEL} here)\n`,
  );
  const load = () =>
    os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(" ");
  console.log(`${os.availableParallelism()} cores, load average ${load()} (other jobs inflate wall times)`);
  pulumiBinDir();
  const vrg = await startVrg({
    role: "production",
    users: { [DEFAULT_VRG_USER]: DEFAULT_VRG_PASSWORD },
    // Deletions settle quickly: the bench measures our requests, not the VRG's wait.
    deleteMs: 100,
  });
  const all: Figures[] = [];
  const stacks: EngineStack[] = [];
  const workDir = tempDir("bench-engine");
  try {
    for (let i = 0; i < N; i++) vrg.addVm({ uuid: vmUuid(i), volumes: [`vol-${i}`] });
    const programDir = installProgram(PROGRAM);
    const timingDir = path.join(workDir, "timing");
    mkdirSync(timingDir, { recursive: true });
    const env = {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${PROBE}`.trim(),
      DRPLANE_BENCH_TIMING: timingDir,
    };
    const modes = ["noop", "drplane"] as const;
    const byMode = new Map<(typeof modes)[number], EngineStack>();
    for (const mode of modes) {
      const stack = await EngineStack.init(programDir, mode, { env, workDir: path.join(workDir, mode) });
      stacks.push(stack);
      byMode.set(mode, stack);
      await stack.setConfig("mode", mode);
      await stack.setConfig("count", String(N));
      if (mode === "drplane") {
        await stack.setConfig("vrgEndpoint", vrg.url);
        await stack.setConfig(`drplane:credentials.${PROFILE}.username`, DEFAULT_VRG_USER);
        await stack.setConfig(`drplane:credentials.${PROFILE}.password`, DEFAULT_VRG_PASSWORD, true);
      }
      // Not measured: the first command pays cold disk caches and the program's first compile.
      await stack.preview();
      await collectTiming(timingDir);
    }
    // The baseline's command and ours run back to back, so a burst of other jobs hits both.
    for (const parallel of PARALLEL) {
      for (const command of Object.keys(COMMANDS) as Command[]) {
        for (const mode of modes) {
          const f = await engineCommand(byMode.get(mode)!, mode, command, parallel, vrg, timingDir);
          all.push(f);
          const extra =
            mode === "drplane"
              ? `, ${f.requests} requests, ${f.logins} login(s), ${f.hosts} provider host(s), handlers busy ${s(f.busyMs)} s (${pct(f.busyMs, f.wallMs)})`
              : "";
          console.log(`  ${mode} ${command} parallel ${parallel}: ${s(f.wallMs)} s (${f.resources})${extra}`);
        }
      }
      if (vrg.strategies().length) throw new Error(`destroy left ${vrg.strategies().length} strategies`);
    }
    setStackCredentials(
      JSON.stringify({ [PROFILE]: { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD } }),
    );
    const quiet = setLogSink(() => undefined);
    for (const parallel of new Set(PARALLEL.map(hostParallel))) {
      for (const f of await hostLevel(vrg, Number(parallel))) {
        all.push(f);
        console.log(
          `  host-level ${f.command} parallel ${parallel}: ${s(f.wallMs)} s, ${f.requests} requests, ${f.logins} login(s)`,
        );
      }
    }
    setLogSink(quiet);
    clearStackCredentials();

    console.log(
      `\n${N} VmDrStrategy, drplane through the engine; baselines: noop program through the engine, host level (no engine)`,
    );
    console.log(
      "requests exclude the logout at host shutdown; share = handler busy (union of calls in flight) / wall\n",
    );
    printTable(all);
    console.log("\nrequests by route (drplane through the engine):");
    for (const f of all.filter((x) => x.mode === "drplane")) {
      const routes = Object.entries(f.routes ?? {})
        .map(([r, n]) => `${r} ×${n}`)
        .join(", ");
      const calls = Object.entries(f.calls ?? {})
        .map(([m, n]) => `${m} ×${n}`)
        .join(", ");
      console.log(
        `  ${f.command} parallel ${f.parallel}: ${routes || "none"}; handler calls: ${calls || "none"}`,
      );
    }
    const left = vrg.strategies().length;
    console.log(`\nload average at the end: ${load()}`);
    console.log(`left on the simulator: ${left} strategies, ${vrg.liveTokens} live tokens`);
    if (left || vrg.liveTokens) process.exitCode = 1;
  } finally {
    for (const stack of stacks) await stack.remove(true).catch(() => undefined);
    await closeAllAgents();
    await vrg.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
