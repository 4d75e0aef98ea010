/**
 * The simulated DR site that examples/dr-topology manages, for the demo and the engine tests:
 * two Hitachi arrays and two VRGs on loopback, the stack config that points the example at them
 * (endpoints as plain config, passwords as secret config, as a user sets them), and readable
 * one-line views of what the simulators hold.
 */
import {
  SEED_LOCAL,
  SEED_REMOTE,
  startHitachiPair,
  type HitachiPair,
  type HitachiArrayOptions,
} from "../../test/sim/hitachi";
import {
  DEFAULT_VRG_PASSWORD,
  DEFAULT_VRG_USER,
  PAIR_STATUS,
  VOL_STATUS,
  startVrgPair,
  type VrgPair,
  type VrgSim,
  type VrgVmSpec,
} from "../../test/sim/vrg";
import { startOvirtEngine, type OvirtEngine } from "../../test/sim/ovirt";
import { SEED as NSE_SEED, startNse, type NseSim } from "../../test/sim/nse";
import { EngineStack } from "./stack";

/** The example's resources (logical names), in the order summaries list them. */
export const RESOURCES = [
  "site-link",
  "prod-to-dr",
  "erp-prod",
  "erp-dr",
  "prod-traps",
  "dr-traps",
  "dr-data",
  "erp-standby",
  "erp-share",
] as const;
export type ResourceName = (typeof RESOURCES)[number];

/**
 * The VM examples/dr-topology/index.ts protects (same UUIDs and slots): it must exist on the
 * simulated platform. Each simulated VRG refuses a strategy for a VM it was not told about
 * (10440400) or a volume that is not one of the VM's disks (requireDeclaredVms), the DR VRG
 * included, so the VM is declared on both (VrgPair.addVm).
 */
export const ERP_VM: VrgVmSpec = {
  uuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
  id: "i-0000002A",
  name: "erp",
  volumes: [
    { uuid: "0b4d2f6a-51c3-4e8d-9a7b-3c2e1f0d9a01", seqNum: 1 },
    { uuid: "0b4d2f6a-51c3-4e8d-9a7b-3c2e1f0d9a02", seqNum: 2 },
  ],
};

/** Where the example's VrgAlarmServer resources point (a documentation address, TEST-NET-1). */
export const ALARM_RECEIVER = { ip: "192.0.2.162", port: 162 };
/** VRG simulator timings (its clock is the real one): pairing, DR volume setting, deletion. */
export const VRG_TIMINGS = { pairingMs: 3000, volumeSetMs: 2000, deleteMs: 2000 };

export type Credentials = Record<
  "local" | "remote" | "vrg-prod" | "vrg-dr",
  { username: string; password: string }
> & {
  /** The DR site's oVirt engine (only when the site has one: `DrSiteOptions.ovirt`). */
  "ovirt-dr"?: { username: string; password: string };
  /** NetApp Service Engine (only when the site has one: `DrSiteOptions.nse`). */
  nse?: { username: string; password: string };
};

/** NetApp Service Engine: its user, and the file share the example declares. */
export const NSE_USER = "nse-admin";
export const NSE_SEED_PASSWORD = "NseSim#2020";
export const ERP_SHARE = { name: "erp-data", fileServerId: NSE_SEED.fileServerId };
/** NSE simulator job timings (real clock). */
export const NSE_TIMINGS = { jobPendingMs: 500, jobRunMs: 1500 };

/** The DR site's oVirt engine: its admin, the NFS export of the standby VM's data domain, the ISO. */
export const OVIRT_USER = "admin@internal";
export const OVIRT_SEED_PASSWORD = "engine-pass";
export const STANDBY = {
  vm: "erp-standby",
  domain: "dr-data",
  nfsAddress: "192.0.2.45",
  nfsPath: "/exports/dr-data",
  iso: "RHEL6.3-Server-x86_64-DVD1.iso",
};
/** Engine simulator timings (real clock): long enough to be seen, short for a demo. */
export const OVIRT_TIMINGS = {
  imageCopyMs: 1500,
  diskCreateMs: 1500,
  launchMs: 500,
  powerUpMs: 1000,
  shutdownMs: 1000,
  stopMs: 500,
  removeMs: 1000,
  domainOpMs: 1000,
};

/** The seed's credentials (the demo prints none of them; the tests use canaries instead). */
export const SEED_CREDENTIALS: Credentials = {
  local: { username: Object.keys(SEED_LOCAL.users)[0]!, password: Object.values(SEED_LOCAL.users)[0]! },
  remote: { username: Object.keys(SEED_REMOTE.users)[0]!, password: Object.values(SEED_REMOTE.users)[0]! },
  "vrg-prod": { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
  "vrg-dr": { username: DEFAULT_VRG_USER, password: DEFAULT_VRG_PASSWORD },
  "ovirt-dr": { username: OVIRT_USER, password: OVIRT_SEED_PASSWORD },
  nse: { username: NSE_USER, password: NSE_SEED_PASSWORD },
};

/** Distinctive passwords: finding one anywhere (state, output) is a leak, never a coincidence. */
export function canaryCredentials(tag: string): Credentials {
  const canary = (who: string) => `Canary-${tag}-${who}-${Math.random().toString(36).slice(2, 10)}`;
  return {
    local: { username: SEED_CREDENTIALS.local.username, password: canary("local") },
    remote: { username: SEED_CREDENTIALS.remote.username, password: canary("remote") },
    "vrg-prod": { username: DEFAULT_VRG_USER, password: canary("vrgprod") },
    "vrg-dr": { username: DEFAULT_VRG_USER, password: canary("vrgdr") },
    "ovirt-dr": { username: OVIRT_USER, password: canary("ovirtdr") },
    nse: { username: NSE_USER, password: canary("nse") },
  };
}

export interface DrSite {
  hitachi: HitachiPair;
  vrg: VrgPair;
  /** The DR site's oVirt engine, when the site has one. */
  ovirt?: OvirtEngine;
  /** NetApp Service Engine, when the site has one. */
  nse?: NseSim;
  credentials: Credentials;
  /** The example's stack config pointing at the simulators (no secrets). */
  config(): Record<string, string>;
  stop(): Promise<void>;
}

export interface DrSiteOptions {
  credentials?: Credentials;
  jobDurationMs?: number;
  /** Extra addresses the remote array also answers at (a registration "moved" there). */
  remoteAliases?: string[];
  hitachi?: Partial<HitachiArrayOptions>;
  /** Also an oVirt engine at the DR site (oVirt 4.4, or RHEV 3.6), for the standby VM. */
  ovirt?: "ovirt-4.4" | "rhev-3.6";
  /** Also NetApp Service Engine, for the ERP file share. */
  nse?: boolean;
}

export async function startDrSite(opts: DrSiteOptions = {}): Promise<DrSite> {
  const credentials = opts.credentials ?? SEED_CREDENTIALS;
  const users = (c: { username: string; password: string }) => ({ [c.username]: c.password });
  const [hitachi, vrg] = await Promise.allSettled([
    startHitachiPair({
      common: { jobDurationMs: opts.jobDurationMs ?? 2500, ...opts.hitachi },
      local: { users: users(credentials.local) },
      remote: { users: users(credentials.remote), aliases: opts.remoteAliases ?? [] },
    }),
    startVrgPair({
      common: VRG_TIMINGS,
      production: { users: users(credentials["vrg-prod"]) },
      dr: { users: users(credentials["vrg-dr"]) },
    }),
  ]);
  if (hitachi.status === "rejected" || vrg.status === "rejected") {
    if (hitachi.status === "fulfilled") await hitachi.value.stop();
    if (vrg.status === "fulfilled") await vrg.value.stop();
    throw hitachi.status === "rejected" ? hitachi.reason : (vrg as PromiseRejectedResult).reason;
  }
  vrg.value.addVm(ERP_VM);
  const engineUser = credentials["ovirt-dr"];
  const ovirt =
    opts.ovirt && engineUser
      ? await startOvirtEngine({
          mode: opts.ovirt,
          timings: OVIRT_TIMINGS,
          users: { [engineUser.username]: engineUser.password },
          seed: { isoFiles: [STANDBY.iso] },
        }).catch(async (err: unknown) => {
          await Promise.allSettled([hitachi.value.stop(), vrg.value.stop()]);
          throw err;
        })
      : undefined;
  const nseUser = credentials.nse;
  const nse =
    opts.nse && nseUser
      ? await startNse({
          timings: NSE_TIMINGS,
          users: { [nseUser.username]: nseUser.password },
        }).catch(async (err: unknown) => {
          await Promise.allSettled([hitachi.value.stop(), vrg.value.stop(), ovirt?.stop()]);
          throw err;
        })
      : undefined;
  const site: DrSite = {
    hitachi: hitachi.value,
    vrg: vrg.value,
    ...(ovirt ? { ovirt } : {}),
    ...(nse ? { nse } : {}),
    credentials: withoutAbsent(credentials, { "ovirt-dr": !!ovirt, nse: !!nse }),
    config: () => {
      const peer = site.vrg.dr.replicationAddress;
      return {
        localEndpoint: site.hitachi.local.url,
        remoteEndpoint: site.hitachi.remote.url,
        prodVrgEndpoint: site.vrg.production.url,
        drVrgEndpoint: site.vrg.dr.url,
        drVrgPeerIp: peer.ip,
        drVrgPeerPort: String(peer.port),
        alarmReceiverIp: ALARM_RECEIVER.ip,
        alarmReceiverPort: String(ALARM_RECEIVER.port),
        ...(site.ovirt
          ? {
              drEngineEndpoint: site.ovirt.url,
              drNfsAddress: STANDBY.nfsAddress,
              drNfsPath: STANDBY.nfsPath,
              drStandbyIso: STANDBY.iso,
            }
          : {}),
        ...(site.nse
          ? {
              nseEndpoint: site.nse.url,
              nseBasePath: site.nse.basePath,
              nseFileServerId: ERP_SHARE.fileServerId,
            }
          : {}),
      };
    },
    stop: async () => {
      await Promise.allSettled([site.hitachi.stop(), site.vrg.stop(), site.ovirt?.stop(), site.nse?.stop()]);
    },
  };
  return site;
}

/** The credentials of the systems the site has (no profile for an absent engine or NSE). */
function withoutAbsent(c: Credentials, present: { "ovirt-dr": boolean; nse: boolean }): Credentials {
  const { "ovirt-dr": engine, nse, ...rest } = c;
  return {
    ...rest,
    ...(present["ovirt-dr"] && engine ? { "ovirt-dr": engine } : {}),
    ...(present.nse && nse ? { nse } : {}),
  };
}

/**
 * Sets up a stack as a user would: endpoints with `pulumi config set`, credentials with
 * `pulumi config set [--secret] --path 'drplane:credentials.<profile>.…'` (values on stdin).
 */
export async function configureStack(stack: EngineStack, site: DrSite): Promise<void> {
  for (const [key, value] of Object.entries(site.config())) await stack.setConfig(key, value);
  for (const [profile, c] of Object.entries(site.credentials)) {
    if (!c) continue;
    await stack.setConfig(`drplane:credentials.${profile}.username`, c.username);
    await stack.setConfig(`drplane:credentials.${profile}.password`, c.password, true);
  }
}

// ---- one-line views of the simulators ------------------------------------------------------

const codeName = (codes: Record<string, number>, code: number) =>
  Object.entries(codes).find(([, c]) => c === code)?.[0] ?? String(code);

export function registrationsOn(site: DrSite, side: "local" | "remote"): string {
  const list = site.hitachi[side].registrations();
  return list.map((r) => `${r.storageDeviceId}@${r.restServerIp}:${r.restServerPort}`).join(", ") || "none";
}

export function pairingOf(vrg: VrgSim): string {
  const p = vrg.pairing();
  const peer =
    p.dstIp === undefined ? "" : ` with ${p.dstIp}:${p.dstPort}${p.mirrored ? " (its peer's view)" : ""}`;
  return `${p.status} ${codeName(PAIR_STATUS, p.status)}${peer}`;
}

export function strategiesOf(vrg: VrgSim): string {
  const list = vrg.strategies().map((s) => {
    const role = s.flag === 1 ? "production" : "dr";
    const vols = s.volList.map((v) =>
      s.flag === 2 ? `slot ${v.seqNum} ${codeName(VOL_STATUS, v.volStatus)}` : `slot ${v.seqNum}`,
    );
    return `${s.vmName ?? s.vmUuid} ${role} [${vols.join(", ")}]${s.deleting ? " deleting" : ""}`;
  });
  return list.join("; ") || "none";
}

export function trapOf(vrg: VrgSim): string {
  const t = vrg.trapInfo;
  return t ? `${t.ip}:${t.port}` : "none";
}

/** The standby VM and its data domain on the DR engine, in one line. */
export function standbyOf(engine: OvirtEngine | undefined): string {
  if (!engine) return "no DR engine";
  const vm = engine.vm(STANDBY.vm);
  const domain = engine.domain(STANDBY.domain);
  const disks = vm ? engine.vmDisks(vm.id).map((d) => `${d.alias} ${d.status}`) : [];
  return [
    vm
      ? `VM ${STANDBY.vm} ${vm.status}, ${vm.config.memory / 2 ** 20} MiB, CD "${vm.cdrom}", disks [${disks.join(", ")}]`
      : `no VM ${STANDBY.vm}`,
    domain ? `domain ${STANDBY.domain} ${domain.status}` : `no domain ${STANDBY.domain}`,
  ].join("; ");
}

/** The file shares NSE holds, in one line. */
export function shareOf(nse: NseSim | undefined): string {
  if (!nse) return "no NSE";
  const shares = nse.shares().map((x) => `${x.name} ${x.size_gb} GB dr_enabled=${x.dr_enabled}`);
  return shares.join(", ") || "no file share";
}

export function sessionsOf(vrg: VrgSim): string {
  const c = vrg.counters;
  return `${c.liveTokens} live, ${c.logins} logins, ${c.logouts} logouts`;
}

/**
 * What the example left on the simulators, one phrase per leftover; empty when nothing is left
 * (no registration, no array session, no strategy, no pairing, no alarm receiver, no VRG token).
 */
export function leftovers(site: DrSite): string[] {
  const { hitachi, vrg } = site;
  const out: string[] = [];
  for (const side of ["local", "remote"] as const) {
    if (hitachi[side].registrations().length)
      out.push(`${side} array registrations: ${registrationsOn(site, side)}`);
    if (hitachi[side].liveSessions) out.push(`${side} array live sessions: ${hitachi[side].liveSessions}`);
  }
  for (const [role, v] of [
    ["production", vrg.production],
    ["dr", vrg.dr],
  ] as const) {
    if (v.strategies().length) out.push(`${role} VRG strategies: ${strategiesOf(v)}`);
    if (v.pairing().status !== PAIR_STATUS.unpaired) out.push(`${role} VRG pairing: ${pairingOf(v)}`);
    if (v.trapInfo) out.push(`${role} VRG alarm receiver: ${trapOf(v)}`);
    if (v.liveTokens) out.push(`${role} VRG live tokens: ${sessionsOf(v)}`);
  }
  const engine = site.ovirt;
  if (engine) {
    const vms = engine.vms().filter((v) => v.config.name === STANDBY.vm);
    if (vms.length) out.push(`DR engine VMs: ${vms.map((v) => `${v.config.name} ${v.status}`).join(", ")}`);
    const domain = engine.domain(STANDBY.domain);
    if (domain) out.push(`DR engine storage domain: ${STANDBY.domain} ${domain.status}`);
    const c = engine.counters;
    if (c.liveTokens || c.liveSessions)
      out.push(`DR engine live tokens/sessions: ${c.liveTokens}/${c.liveSessions}`);
  }
  if (site.nse && site.nse.shares().length) out.push(`NSE file shares: ${shareOf(site.nse)}`);
  return out;
}

/**
 * Every session token the simulators hand out from now on (Hitachi sessions, VRG tokens), so a
 * test can look for them in state and output. Wraps the simulators' session stores.
 */
export function recordIssuedTokens(site: DrSite): string[] {
  const issued: string[] = [];
  for (const array of [site.hitachi.local, site.hitachi.remote]) {
    const create = array.sessions.create.bind(array.sessions);
    array.sessions.create = (...args) => {
      const session = create(...args);
      if (session) issued.push(session.token);
      return session;
    };
  }
  for (const vrg of [site.vrg.production, site.vrg.dr]) {
    const create = vrg.sessions.create.bind(vrg.sessions);
    vrg.sessions.create = (...args) => {
      const token = create(...args);
      issued.push(token.token);
      return token;
    };
  }
  return issued;
}

/**
 * `leftovers` once the last command's provider host has stopped: the engine stops it after the
 * command and its token logouts land within a few seconds, so this waits up to 10 s for them.
 * `ignore` drops leftovers a test expects (by their opening words).
 */
export async function leftoversAfterStop(site: DrSite, ignore: string[] = []): Promise<string[]> {
  const rest = () => leftovers(site).filter((l) => !ignore.some((prefix) => l.startsWith(prefix)));
  for (let i = 0; i < 40 && rest().length > 0; i++) await new Promise((r) => setTimeout(r, 250));
  return rest();
}

/** The engine tests' setup: a simulated site, and a stack of `programDir` configured for it. */
export async function siteWithStack(
  programDir: string,
  stackName: string,
  opts: DrSiteOptions = {},
): Promise<{ site: DrSite; stack: EngineStack }> {
  const site = await startDrSite(opts);
  try {
    const stack = await EngineStack.init(programDir, stackName);
    await configureStack(stack, site);
    return { site, stack };
  } catch (err) {
    await site.stop();
    throw err;
  }
}

/** The engine tests' teardown: destroy what the stack still holds, remove it, stop the site. */
export async function teardown(
  stack: EngineStack | undefined,
  site: DrSite | undefined,
  destroyArgs: string[] = [],
) {
  if (stack && (await stack.stateResources()).length > 0) await stack.destroy(destroyArgs);
  await stack?.remove(true);
  await site?.stop();
}
