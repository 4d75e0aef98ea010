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
import { EngineStack } from "./stack";
import { pulumiBinDir } from "./cli";
import { REPO_ROOT } from "./build";
import {
  ERP_VM,
  SEED_CREDENTIALS as CREDENTIALS,
  VRG_TIMINGS,
  configureStack,
  leftovers,
  startDrSite,
} from "./dr-site";
import { Demo, say, seconds } from "./steps";
import { ALIAS_PORT, JOB_MS, scenario } from "./scenario";

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

  const sims = await startDrSite({
    remoteAliases: [`127.0.0.1:${ALIAS_PORT}`],
    jobDurationMs: JOB_MS,
    ovirt: "ovirt-4.4",
    nse: true,
  });
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
    say(
      `            oVirt 4.4 engine at ${sims.ovirt!.url} (DR site: the standby VM and its NFS data domain)`,
    );
    say(`            NetApp Service Engine at ${sims.nse!.apiUrl} (the ERP file share, DR enabled)`);
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

/** `--serve`: the simulators alone, for a real `pulumi up` (examples/dr-topology/README.md). */
async function serve(): Promise<number> {
  const sims = await startDrSite({ jobDurationMs: 3000, ovirt: "ovirt-4.4", nse: true });
  say("simulators running (Hitachi ×2, VRG ×2, oVirt engine, NetApp Service Engine; Ctrl-C to stop).");
  say("In the example's directory:");
  for (const [key, value] of Object.entries(sims.config())) say(`  pulumi config set ${key} ${value}`);
  say("simulator credentials:");
  for (const [profile, c] of Object.entries(sims.credentials)) {
    if (!c) continue;
    say(`  pulumi config set --path 'drplane:credentials.${profile}.username' '${c.username}'`);
    say(`  pulumi config set --secret --path 'drplane:credentials.${profile}.password' '${c.password}'`);
  }
  say(`the VRGs know VM ${ERP_VM.name} ${ERP_VM.uuid} (the one examples/dr-topology protects)`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  say(`stopping; left on the simulators: ${leftovers(sims).join("; ") || "nothing"}`);
  await sims.stop();
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
