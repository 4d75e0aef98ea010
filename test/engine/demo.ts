/**
 * `npm run demo`: the examples/dr-topology program, exactly as a user installs and runs it, on
 * the real Pulumi engine against embedded simulators: two Hitachi arrays (the remote-storage
 * registration) and two Huawei VRGs (their pairing, one VM protected on both sides, and an
 * alarm receiver on each). The package is packed (`npm pack`) and installed into a copy of the
 * program (`npm install ./pulumi-drplane-<v>.tgz`); the stack lives on a local file backend with
 * the passphrase secrets provider; passwords go in with `pulumi config set --secret --path`.
 * Then, each command's own output shown as it runs:
 *   pulumi preview, up (creates), preview --expect-no-changes, up again (no changes),
 *   out-of-band drift found by `pulumi refresh` and converged by `pulumi up` (a removed
 *   registration; a registration moved to another address: replaced, deleting first; a broken
 *   VRG replication link, on which up fails without deleting anything until the network is
 *   repaired), destroy; then the arrays must hold no registration and no live session, the
 *   VRGs no strategy, no pairing, no alarm receiver and no live token, and no password may
 *   appear in any output or in `pulumi stack export`.
 * The CLI comes from scripts/pulumi-cli.sh (built from its Go module on first use).
 * Exits non-zero on any failure or unexpected result.
 *
 *   npm run demo                 the whole demo (about 2 minutes once the CLI is built)
 *   npm run demo -- --serve      only start the simulators and print their endpoints, for your
 *                                own `pulumi up` of examples/dr-topology (Ctrl-C stops them)
 */
import * as path from "node:path";
import { installProgram, packPackage } from "./program-dir";
import { EngineStack, type CommandResult, type Op } from "./stack";
import { pulumiBinDir } from "./cli";
import {
  ALARM_RECEIVER,
  ERP_VM,
  RESOURCES,
  SEED_CREDENTIALS as CREDENTIALS,
  VRG_TIMINGS,
  configureStack,
  pairingOf,
  registrationsOn,
  sessionsOf,
  startDrSite,
  strategiesOf,
  trapOf,
  type DrSite,
  type ResourceName as Name,
} from "./dr-site";
import { REPO_ROOT } from "../host/stage";
import { startHitachiPair } from "../sim/hitachi";
import { PAIR_STATUS, VOL_STATUS, startVrgPair, type VrgSim } from "../sim/vrg";

type Mode = "preview" | "up" | "refresh" | "destroy";
/** A second address of the remote array (as if it had another REST port), for the move drift. */
const ALIAS_PORT = 23451;
const JOB_MS = 2500;
/**
 * After each command the engine stops the provider host (SIGINT, then a kill 5 s later); the
 * host logs out its lingering VRG tokens in that window. The final check allows this long for
 * the logouts to arrive.
 */
const LOGOUT_WAIT_MS = 10_000;
/**
 * What must happen to each resource in one command: its operation, the operation and its
 * failure, or "not run" (never registered: a resource it depends on failed).
 */
type Outcome = Op | `${Op} (failed)` | "not run";
type Expected = Record<Name, Outcome>;

function expect(all: Op, except: Partial<Expected> = {}): Expected {
  return Object.fromEntries(RESOURCES.map((n) => [n, except[n] ?? all])) as Expected;
}

/** Everything the demo and the CLI printed (the final check looks for passwords in it). */
const printed: string[] = [];
const say = (line = "") => {
  printed.push(line);
  process.stdout.write(line + "\n");
};
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface StepRecord {
  title: string;
  mode: Mode | "check" | "drift";
  ops: string;
  durationMs: number;
  ok: boolean;
}

/** "create ×6", or "update prod-to-dr; same ×5": a large group by count, small ones by name. */
function describeOps(byName: Map<string, string>): string {
  const groups = new Map<string, string[]>();
  for (const [name, op] of byName) groups.set(op, [...(groups.get(op) ?? []), name]);
  return (
    [...groups]
      .sort(([, a], [, b]) => a.length - b.length)
      .map(([op, names]) => (names.length >= 3 ? `${op} ×${names.length}` : `${op} ${names.join(", ")}`))
      .join("; ") || "no resources"
  );
}

/** Shows the CLI's output as it comes, indented under the step's title. */
function echo(): (chunk: string) => void {
  let partial = "";
  return (chunk) => {
    const lines = (partial + chunk).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) say(`    │ ${line}`);
  };
}

class Demo {
  readonly steps: StepRecord[] = [];
  /** Every byte the CLI wrote, for the password check. */
  readonly cliOutput: string[] = [];

  constructor(
    private readonly site: DrSite,
    readonly stack: EngineStack,
  ) {}

  /**
   * Runs one `pulumi` command and checks each resource's operation against what must happen
   * (resources run concurrently, so the comparison is by name, not by order). With `failure`,
   * the command must fail and its errors must match it.
   */
  async run(
    title: string,
    mode: Mode,
    expected: Expected,
    failure?: RegExp,
    extra: string[] = [],
  ): Promise<CommandResult> {
    say();
    say(`── ${title}`);
    say(
      `    $ pulumi ${mode}${mode === "preview" ? "" : " --yes"}${extra.length ? ` ${extra.join(" ")}` : ""}`,
    );
    const r = await this.stack[mode](extra, { onOutput: echo() });
    this.cliOutput.push(r.stdout, r.stderr);

    const actual = new Map<string, string>();
    for (const name of RESOURCES) {
      const x = r.resources.find((y) => y.name === name);
      actual.set(name, x ? `${x.op}${x.failed ? " (failed)" : ""}` : "not run");
    }
    for (const x of r.resources) if (!actual.has(x.name)) actual.set(x.name, `${x.op} (undeclared)`);
    const want = new Map<string, string>(RESOURCES.map((n) => [n, expected[n]]));
    const sameOps = JSON.stringify([...actual]) === JSON.stringify([...want]);
    const outcomeOk = failure ? r.code !== 0 && r.errors.some((e) => failure.test(e.message)) : r.code === 0;
    const asExpected = sameOps && outcomeOk;
    if (!sameOps) say(`    UNEXPECTED: operations ${describeOps(actual)}; expected ${describeOps(want)}`);
    if (!outcomeOk) say(`    UNEXPECTED: pulumi ${mode} exited ${r.code ?? r.signal}`);
    const ops = describeOps(actual);
    say(
      `    ${asExpected ? "ok" : "FAILED"}: ${ops} in ${seconds(r.durationMs)} (exit ${r.code ?? r.signal})`,
    );
    this.steps.push({ title, mode, ops, durationMs: r.durationMs, ok: asExpected });
    if (!asExpected) throw new Error(`step "${title}" did not go as expected`);
    return r;
  }

  /** Asserts something a user would check on the systems themselves. */
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
    return registrationsOn(this.site, side);
  }
}

// ---- the demo ---------------------------------------------------------------------------------

async function demo(): Promise<number> {
  const started = Date.now();
  say("drplane demo: examples/dr-topology on the real Pulumi engine, against embedded simulators");
  say();
  let t = Date.now();
  const bin = pulumiBinDir();
  say(`pulumi CLI: ${path.join(bin, "pulumi")} (ready in ${seconds(Date.now() - t)})`);
  t = Date.now();
  const tarball = packPackage();
  say(`npm pack: ${path.basename(tarball)} (build + pack ${seconds(Date.now() - t)})`);
  t = Date.now();
  const programDir = installProgram(path.join(REPO_ROOT, "examples", "dr-topology"), tarball);
  say(
    `program: examples/dr-topology copied to ${programDir}, npm install of the tarball ${seconds(Date.now() - t)}`,
  );

  const sims = await startDrSite({ remoteAliases: [`127.0.0.1:${ALIAS_PORT}`], jobDurationMs: JOB_MS });
  const { hitachi, vrg } = sims;
  let demo: Demo | undefined;
  let failed = false;
  try {
    say(
      `simulators: Hitachi local ${hitachi.local.storageDeviceId} (${hitachi.local.model}) at ${hitachi.local.url}`,
    );
    say(
      `            Hitachi remote ${hitachi.remote.storageDeviceId} (${hitachi.remote.model}) at ${hitachi.remote.url}`,
    );
    say(`            jobs take ${seconds(JOB_MS)}; remote also answers at 127.0.0.1:${ALIAS_PORT}`);
    const peer = vrg.dr.replicationAddress;
    say(`            VRG production ${vrg.production.uuid} at ${vrg.production.url}`);
    say(`            VRG dr ${vrg.dr.uuid} at ${vrg.dr.url} (replication network ${peer.ip}:${peer.port})`);
    say(
      `            pairing takes ${seconds(VRG_TIMINGS.pairingMs)}, a DR volume ${seconds(VRG_TIMINGS.volumeSetMs)} to set, ` +
        `a deletion ${seconds(VRG_TIMINGS.deleteMs)}`,
    );
    say(
      `            VM ${ERP_VM.name} ${ERP_VM.uuid} with ${ERP_VM.volumes!.length} disks declared on the platform`,
    );
    const stack = await EngineStack.init(programDir, "demo");
    say(`stack: demo on ${stack.env.PULUMI_BACKEND_URL} (passphrase secrets provider)`);
    await configureStack(stack, sims);
    say(
      `config: endpoints set with pulumi config set; credentials with pulumi config set --secret --path ` +
        `'drplane:credentials.<profile>.password' (profiles ${Object.keys(CREDENTIALS).join(", ")}; values on stdin)`,
    );
    demo = new Demo(sims, stack);
    try {
      await scenario(demo, sims);
    } catch (err) {
      failed = true;
      say(`\n${err instanceof Error ? err.message : String(err)}`);
      vrg.production.restoreLink();
      if ((await stack.stateResources()).length > 0) {
        say("cleaning up: pulumi destroy");
        await stack.destroy().catch(() => undefined);
      }
    }
  } catch (err) {
    failed = true;
    say(`\nsetup failed: ${err instanceof Error ? err.message : String(err)}`);
  } finally {
    await sims.stop();
  }

  const steps = demo?.steps ?? [];
  say();
  say("summary (the real Pulumi engine; times are whole CLI commands)");
  const width = Math.max(0, ...steps.map((s) => s.title.length));
  for (const s of steps) {
    const time = s.durationMs ? seconds(s.durationMs).padStart(7) : "".padStart(7);
    say(`  ${s.ok ? "✔" : "✘"} ${s.title.padEnd(width)}  ${time}  ${s.ops}`);
  }
  const ok = !failed && steps.length > 0 && steps.every((s) => s.ok);
  say(`${ok ? "demo passed" : "demo FAILED"} in ${seconds(Date.now() - started)}`);
  return ok ? 0 : 1;
}

/** The steps; each throws when the operations or the systems are not as expected. */
async function scenario(d: Demo, sims: DrSite): Promise<void> {
  const { hitachi, vrg } = sims;
  const { production, dr } = vrg;
  const remoteId = hitachi.remote.storageDeviceId;
  const listsRemote = () => hitachi.local.registrations().some((r) => r.storageDeviceId === remoteId);
  await d.run("1. preview (empty stack)", "preview", expect("create"));
  d.expect(
    "preview changed nothing on the arrays and VRGs",
    hitachi.local.registrations().length === 0 &&
      production.pairing().status === PAIR_STATUS.unpaired &&
      production.strategies().length + dr.strategies().length === 0 &&
      !production.trapInfo &&
      !dr.trapInfo,
    "",
  );

  await d.run("2. up: creates everything", "up", expect("create"));
  d.expect("local array lists the remote", listsRemote(), d.registrationsOn("local"));
  d.expect(
    "mutual discovery registered the local array on the remote",
    hitachi.remote.registrations().length === 1,
    d.registrationsOn("remote"),
  );
  d.expect(
    "production VRG paired with the DR VRG (both see it)",
    production.pairing().status === PAIR_STATUS.normal && dr.pairing().status === PAIR_STATUS.normal,
    `production ${pairingOf(production)}; dr ${pairingOf(dr)}`,
  );
  const protectedOn = (v: VrgSim, flag: 1 | 2) => {
    const s = v.strategy(ERP_VM.uuid);
    return (
      s?.flag === flag &&
      s.volList.length === ERP_VM.volumes!.length &&
      s.volList.every((x) => x.volStatus === VOL_STATUS.normal)
    );
  };
  d.expect(
    `VM ${ERP_VM.name} protected on both sides`,
    protectedOn(production, 1) && protectedOn(dr, 2),
    `production ${strategiesOf(production)}; dr ${strategiesOf(dr)}`,
  );
  d.expect(
    "both VRGs send alarms to the receiver",
    trapOf(production) === `${ALARM_RECEIVER.ip}:${ALARM_RECEIVER.port}` && trapOf(dr) === trapOf(production),
    `production ${trapOf(production)}, dr ${trapOf(dr)}`,
  );

  await d.run("3a. preview --expect-no-changes passes", "preview", expect("same"), undefined, [
    "--expect-no-changes",
  ]);
  await d.run("3b. up again: no changes", "up", expect("same"));
  const exported = await d.stack.exportText();
  const passwordsIn = (text: string) =>
    Object.values(CREDENTIALS).filter((c) => text.includes(c.password)).length;
  d.expect(
    "pulumi stack export holds no password (they are encrypted config, never state)",
    passwordsIn(exported) === 0,
    `${exported.length} bytes, ${(await d.stack.stateResources()).length} resources`,
  );

  d.drift("4. drift: someone deletes the registration on the local array", () => {
    hitachi.local.removeRegistration(remoteId);
    say(`    local array registrations now: ${d.registrationsOn("local")}`);
  });
  await d.run(
    "4a. refresh finds it gone",
    "refresh",
    expect("refresh-same", { "site-link": "refresh-gone" }),
  );
  await d.run("4b. up re-creates it", "up", expect("same", { "site-link": "create" }));
  d.expect("local array lists the remote again", listsRemote(), d.registrationsOn("local"));

  d.drift(`5. drift: someone re-registers the remote at port ${ALIAS_PORT}`, () => {
    hitachi.local.mutateRegistration(remoteId, { restServerPort: ALIAS_PORT });
    say(`    local array registrations now: ${d.registrationsOn("local")}`);
  });
  await d.run(
    "5a. refresh records the drift",
    "refresh",
    expect("refresh-same", { "site-link": "refresh-drift" }),
  );
  await d.run(
    "5b. up converges: replaces it (delete first)",
    "up",
    expect("same", { "site-link": "replace" }),
  );
  d.expect(
    "registration points at the declared address again",
    hitachi.local.registrations().some((r) => r.restServerPort === hitachi.remote.restServerPort),
    d.registrationsOn("local"),
  );

  // docs/vendors/vrg.md, VrgPairing: refresh records a broken link (status 5) as drift and the
  // next diff proposes an update; the update does not delete or re-post anything for a broken
  // link: it fails naming the state until the link is back (provider/vendors/vrg/pairing.ts).
  d.drift("6. drift: the replication link between the VRGs breaks", () => {
    production.breakLink();
    say(`    VRG pairing now: production ${pairingOf(production)}; dr ${pairingOf(dr)}`);
  });
  await d.run(
    "6a. refresh records the broken link",
    "refresh",
    expect("refresh-same", { "prod-to-dr": "refresh-drift" }),
  );
  const deletes = () =>
    production.requestCount("DELETE /vrgservice/vrgmap") +
    production.counters.deletesAccepted +
    dr.counters.deletesAccepted;
  const deletesBefore = deletes();
  await d.run(
    "6b. up while the link is down fails, naming it",
    "up",
    expect("same", { "prod-to-dr": "update (failed)", "erp-prod": "not run", "erp-dr": "not run" }),
    /link to .* is broken \(status 5/,
  );
  d.expect(
    "the failed up deleted nothing on the VRGs",
    deletes() === deletesBefore &&
      production.strategies().length === 1 &&
      dr.strategies().length === 1 &&
      production.pairing().status === PAIR_STATUS.linkBroken,
    `production pairing ${pairingOf(production)}; strategies: production ${production.strategies().length}, ` +
      `dr ${dr.strategies().length}; deletions ${deletes() - deletesBefore}`,
  );
  d.drift("6c. the network is repaired", () => {
    production.restoreLink();
    say(`    VRG pairing now: production ${pairingOf(production)}; dr ${pairingOf(dr)}`);
  });
  await d.run(
    "6d. up converges: the pairing is normal again",
    "up",
    expect("same", { "prod-to-dr": "update" }),
  );
  const pairingInState = (await d.stack.stateResources()).find((r) => r.urn.endsWith("::prod-to-dr"));
  d.expect(
    "the state records the pairing as normal",
    pairingInState?.outputs?.state === "normal" && production.pairing().status === PAIR_STATUS.normal,
    `state ${String(pairingInState?.outputs?.state)}; production ${pairingOf(production)}`,
  );

  await d.run("7. destroy", "destroy", expect("delete"));
  say();
  say("── 8. final checks on the simulators");
  d.expect(
    "no registration on the local array",
    hitachi.local.registrations().length === 0,
    d.registrationsOn("local"),
  );
  d.expect(
    "no registration on the remote array",
    hitachi.remote.registrations().length === 0,
    d.registrationsOn("remote"),
  );
  d.expect(
    "no live session on either array",
    hitachi.local.liveSessions === 0 && hitachi.remote.liveSessions === 0,
    `local ${hitachi.local.liveSessions}, remote ${hitachi.remote.liveSessions}; logins ${hitachi.local.logins}+${hitachi.remote.logins}`,
  );
  d.expect(
    "no VM DR strategy on either VRG",
    production.strategies().length === 0 && dr.strategies().length === 0,
    `production ${strategiesOf(production)}; dr ${strategiesOf(dr)}`,
  );
  d.expect(
    "the VRGs are unpaired",
    production.pairing().status === PAIR_STATUS.unpaired && dr.pairing().status === PAIR_STATUS.unpaired,
    `production ${pairingOf(production)}; dr ${pairingOf(dr)}`,
  );
  d.expect(
    "no alarm receiver on either VRG (0.0.0.0 restored)",
    !production.trapInfo && !dr.trapInfo,
    `production ${trapOf(production)}, dr ${trapOf(dr)}`,
  );
  // VRG tokens: the provider shares one token per VRG and account and keeps it a while for
  // the next call. At the end of each command the engine stops the provider host (SIGINT, a
  // kill 5 s later) and the host logs its lingering tokens out in that window
  // (provider/dynamic/index.ts), so none may stay live on a VRG.
  const waitStart = Date.now();
  while (production.liveTokens + dr.liveTokens > 0 && Date.now() - waitStart < LOGOUT_WAIT_MS)
    await sleep(250);
  d.expect(
    "no live VRG token once the provider host has stopped",
    production.liveTokens === 0 && dr.liveTokens === 0,
    `production ${sessionsOf(production)}; dr ${sessionsOf(dr)}`,
  );
  const finalExport = await d.stack.exportText();
  const passwords = Object.values(CREDENTIALS).map((c) => c.password);
  d.expect(
    "no password in any CLI output, the demo's, or pulumi stack export",
    !passwords.some(
      (p) =>
        d.cliOutput.some((o) => o.includes(p)) ||
        printed.some((l) => l.includes(p)) ||
        finalExport.includes(p),
    ),
    `${d.cliOutput.join("").length} bytes of CLI output, ${printed.length} lines, ${finalExport.length} bytes exported`,
  );
  d.expect(
    "the stack holds no resource",
    (await d.stack.stateResources()).length === 0,
    `stack ${d.stack.name}`,
  );
}

/** `--serve`: the simulators alone, for a real `pulumi up` (examples/dr-topology/README.md). */
async function serve(): Promise<number> {
  const [hitachi, vrg] = await Promise.all([
    startHitachiPair({ common: { jobDurationMs: 3000 } }),
    startVrgPair({ common: VRG_TIMINGS }),
  ]);
  vrg.addVm(ERP_VM);
  const peer = vrg.dr.replicationAddress;
  say("Hitachi and VRG simulators running (Ctrl-C to stop). In the shell that runs pulumi:");
  say(`  export DRPLANE_DEMO_LOCAL_ENDPOINT=${hitachi.local.url}`);
  say(`  export DRPLANE_DEMO_REMOTE_ENDPOINT=${hitachi.remote.url}`);
  say(`  export DRPLANE_DEMO_PROD_VRG_ENDPOINT=${vrg.production.url}`);
  say(`  export DRPLANE_DEMO_DR_VRG_ENDPOINT=${vrg.dr.url}`);
  say(`  export DRPLANE_DEMO_DR_VRG_PEER_IP=${peer.ip}`);
  say(`  export DRPLANE_DEMO_DR_VRG_PEER_PORT=${peer.port}`);
  say("simulator credentials (profile: username / password):");
  for (const [profile, c] of Object.entries(CREDENTIALS)) {
    say(`  ${`${profile}:`.padEnd(9)} ${c.username} / ${c.password}`);
  }
  say(`the VRGs know VM ${ERP_VM.name} ${ERP_VM.uuid} (the one examples/dr-topology protects)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  say(
    `stopping; local registrations: ${hitachi.local.registrations().length}, live sessions: ${hitachi.local.liveSessions}; ` +
      `VRG pairing: ${pairingOf(vrg.production)}, strategies: ${vrg.production.strategies().length}+${vrg.dr.strategies().length}`,
  );
  await Promise.allSettled([hitachi.stop(), vrg.stop()]);
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
