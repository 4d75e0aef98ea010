/**
 * The demo's scenario: the commands a user runs on examples/dr-topology (preview, up, a no-op
 * preview and up, three kinds of out-of-band drift refreshed and converged, destroy) and the
 * checks on the simulated systems after each, then the final checks (nothing left on the arrays
 * and VRGs, no live session or token, no password in any output or in the state).
 */
import { Demo, expect, printed, say, sleep } from "./steps";
import {
  ALARM_RECEIVER,
  ERP_VM,
  SEED_CREDENTIALS as CREDENTIALS,
  pairingOf,
  sessionsOf,
  ERP_SHARE,
  shareOf,
  STANDBY,
  standbyOf,
  strategiesOf,
  trapOf,
  type DrSite,
} from "./dr-site";
import { PAIR_STATUS, VOL_STATUS, type VrgSim } from "../../test/sim/vrg";

/** A second address of the remote array (as if it had another REST port), for the move drift. */
export const ALIAS_PORT = 23451;
export const JOB_MS = 2500;
/**
 * After each command the engine stops the provider host (SIGINT, then a kill 5 s later); the
 * host logs out its lingering VRG tokens in that window. The final check allows this long for
 * the logouts to arrive.
 */
const LOGOUT_WAIT_MS = 10_000;
/** The steps; each throws when the operations or the systems are not as expected. */
export async function scenario(d: Demo, sims: DrSite): Promise<void> {
  const { hitachi, vrg } = sims;
  const engine = sims.ovirt!;
  const nse = sims.nse!;
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
      !dr.trapInfo &&
      engine.vm(STANDBY.vm) === undefined &&
      engine.domain(STANDBY.domain) === undefined &&
      nse.shares().length === 0,
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

  const standby = () => engine.vm(STANDBY.vm);
  d.expect(
    "the DR data domain is attached and active",
    engine.domain(STANDBY.domain)?.status === "active",
    standbyOf(engine),
  );
  d.expect(
    "the standby VM is stopped, on the DR data domain, with the ISO in its drive",
    standby()?.status === "down" &&
      standby()?.cdrom === STANDBY.iso &&
      engine
        .vmDisks(standby()!.id)
        .some((x) => x.status === "ok" && x.storageDomainId === engine.domain(STANDBY.domain)?.id),
    standbyOf(engine),
  );

  d.expect(
    "the ERP file share exists on NetApp Service Engine, DR enabled",
    nse.shares().some((x) => x.name === ERP_SHARE.name && x.dr_enabled === true),
    shareOf(nse),
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
    expect("same", {
      "prod-to-dr": "update (failed)",
      "erp-prod": "not run",
      "erp-dr": "not run",
      // Independent of the link; whether the engine still starts them after the failure is timing.
      "dr-data": ["same", "not run"],
      "erp-standby": ["same", "not run"],
      "erp-share": ["same", "not run"],
    }),
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

  d.drift("7. drift: someone gives the standby VM 8 GiB of memory on the DR engine", () => {
    engine.setVmMemory(STANDBY.vm, 8 * 2 ** 30);
    say(`    DR engine now: ${standbyOf(engine)}`);
  });
  await d.run(
    "7a. refresh records the drift",
    "refresh",
    expect("refresh-same", { "erp-standby": "refresh-drift" }),
  );
  await d.run(
    "7b. up converges: the declared 4 GiB, in place",
    "up",
    expect("same", { "erp-standby": "update" }),
  );
  d.expect(
    "the standby VM has its declared memory again, still stopped",
    standby()?.config.memory === 4 * 2 ** 30 && standby()?.status === "down",
    standbyOf(engine),
  );

  d.drift("7c. drift: someone turns DR off on the ERP file share in NSE", () => {
    nse.changeShare(ERP_SHARE.name, { dr_enabled: false });
    say(`    NSE now: ${shareOf(nse)}`);
  });
  await d.run(
    "7d. refresh records the drift",
    "refresh",
    expect("refresh-same", { "erp-share": "refresh-drift" }),
  );
  await d.run(
    "7e. up converges: DR enabled again, in place",
    "up",
    expect("same", { "erp-share": "update" }),
  );
  d.expect(
    "the ERP file share has DR enabled again",
    nse.shares().some((x) => x.name === ERP_SHARE.name && x.dr_enabled === true),
    shareOf(nse),
  );

  await d.run("8. destroy", "destroy", expect("delete"));
  say();
  say("── 9. final checks on the simulators");
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
  d.expect("no file share left on NetApp Service Engine", nse.shares().length === 0, shareOf(nse));
  d.expect(
    "no standby VM and no DR data domain on the DR engine",
    standby() === undefined && engine.domain(STANDBY.domain) === undefined,
    standbyOf(engine),
  );
  while (
    engine.counters.liveTokens + engine.counters.liveSessions > 0 &&
    Date.now() - waitStart < LOGOUT_WAIT_MS
  )
    await sleep(250);
  d.expect(
    "no live token or session on the DR engine once the provider host has stopped",
    engine.counters.liveTokens === 0 && engine.counters.liveSessions === 0,
    `${engine.counters.liveTokens} tokens, ${engine.counters.liveSessions} sessions; ${engine.counters.ssoLogins} logins`,
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
