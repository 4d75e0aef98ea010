/**
 * One simulated Huawei FusionCompute VRG (Virtual Replication Gateway) with its `/vrgservice`
 * REST server (seed 001, FusionCompute V100R005C10 VRG interface document). State: sessions and
 * lockout, trap server, VRG status, networks, the pairing (vrgmap) and the VM DR strategies.
 * Every asynchronous state is derived from `clock.now()`; nothing sleeps. HTTP mapping lives in
 * routes.ts; start one with startVrg() (index.ts). See test/sim/README.md, "Huawei VRG (seed 001)".
 */
import { createHash, randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../../../provider/core/clock";
import { SimServer, type FaultSpec, type Fault } from "../framework";
import { VRG_ERRORS, VRG_ERRORS_BY_CODE, vrgErrorBody, vrgFail, type VrgErrorName } from "./errors";
import { VrgFabric } from "./fabric";
import { fromWire, toCamel, toWire, type KeyStyle } from "./keys";
import { BASE_PATH } from "./paths";
import { installVrgRoutes } from "./routes";
import { VrgSessions, type LockState, type TokenExpiry, type VrgToken } from "./sessions";
import {
  isHostIp,
  isIpv4,
  isNetmask,
  isObject,
  isPort,
  isUuid,
  optionalString,
  requireString,
  requireValid,
} from "./validate";

export { BASE_PATH };

/** §3.8.2 volType range. */
export const VOL_TYPES = ["LOCALPOME", "LUNPOME", "NAS", "DSWARE"] as const;
export type VolType = (typeof VOL_TYPES)[number];

/** §3.8.3 volStatus: 1 normal, 2 path error, 3 type error, 4 configured to another VRG, 5 setting, 6 delete failed. */
export const VOL_STATUS = {
  normal: 1,
  pathError: 2,
  typeError: 3,
  usedByOtherVrg: 4,
  setting: 5,
  deleteFailed: 6,
} as const;
export type VolStatus = (typeof VOL_STATUS)[keyof typeof VOL_STATUS];

/** §3.7.3 pairing (VRG map link) status. */
export const PAIR_STATUS = { normal: 1, pairing: 2, failed: 3, unpaired: 4, linkBroken: 5 } as const;
export type PairStatus = (typeof PAIR_STATUS)[keyof typeof PAIR_STATUS];

/** §3.6 / §3.8.4 VM DR status: 1 incremental queue, 2 incremental CBT, 3 consistency check. */
export const DR_STATUS = { incrementalQueue: 1, incrementalCbt: 2, consistencyCheck: 3 } as const;
export type DrStatus = (typeof DR_STATUS)[keyof typeof DR_STATUS];

/** §3.8.4 delFlag: 1 normal delete (default), 2 forced delete. */
export const DEL_FLAG = { normal: 1, force: 2 } as const;
export type DelFlag = (typeof DEL_FLAG)[keyof typeof DEL_FLAG];

/** §3.4 VRG status: 1 normal, 2 abnormal. */
export interface VrgStatusInfo {
  status: 1 | 2;
  /** KB; -1 cache unused, -2 cache loading, -3 value invalid. */
  availableCapacity: number;
  /** KB; -1 cache unused. */
  totalCapacity: number;
}

export type VrgRole = "production" | "dr" | "both";

export interface VrgNetworkOptions {
  /** netinfos type 0; `port` is always the HTTP server's port. Changed by modmngnet (§3.9). */
  management?: { ip?: string; netmask?: string; gateway?: string };
  /** netinfos type 1 (network to the CNA nodes). */
  cna?: { ip?: string; port?: number; netmask?: string };
  /** netinfos type 2 (network to the peer VRG): the address peers pair with. Default 127.0.0.1:<http port>. */
  replication?: { ip?: string; port?: number; netmask?: string };
}

export interface VrgSimOptions {
  /** Which §3.8.1/§3.8.2 body POST vmstrategy takes. "both": DR when the body has agentIp. Default "production". */
  role?: VrgRole;
  /** JSON body key style on the wire (see keys.ts). Default "camel". */
  keyStyle?: KeyStyle;
  /**
   * Key style POST vrgmap reads (default: keyStyle). "snake" with keyStyle "camel" is a VRG that
   * follows the §3.7.1 sample (`dst_ip`, `dst_port`) on vrgmap only and the tables everywhere
   * else (every other request sample of the seed is camelCase). GET vrgmap still answers in
   * keyStyle (the §3.7.3 sample is camelCase). UNCONFIRMED which reading a real VRG has.
   */
  vrgmapKeyStyle?: KeyStyle;
  clock?: Clock;
  /** VRGs that pair with each other share a fabric (default: a private one). */
  fabric?: VrgFabric;
  /** user → password. Default `{ user: "VrgSim@2015" }` (§3.1.2 "X-Auth-User 恒为 user"; the password is ours). */
  users?: Record<string, string>;
  /** Login body `uuid` (default random). */
  uuid?: string;
  /** Version listed by GET /versions (default "v1.0", §2.1.1). */
  version?: string;
  /** Default 600 000 (§3.1.2). */
  tokenValidityMs?: number;
  /** "absolute" (default, from login) or "idle" (from last use). */
  tokenExpiry?: TokenExpiry;
  /** HTTP status of 10440102 answers (default 400, §2.1.4; other FusionCompute services use 401). */
  tokenErrorStatus?: number;
  /** Wrong passwords in a row that lock the account (default 3). */
  lockAfterFailures?: number;
  /** Default 300 000 (5 minutes, §2.1.4 10440207). */
  lockMs?: number;
  /** Accept an uppercase-hex X-Auth-Key (default false: rejected with 10440200). */
  acceptUppercaseKey?: boolean;
  /** Clock ms from POST vrgmap to normal/failed (default 3000). */
  pairingMs?: number;
  /** Clock ms a DR volume stays "setting" (5) (default 2000). */
  volumeSetMs?: number;
  /** Clock ms from the delete POST until the strategy is gone (or its volumes show 6) (default 2000). */
  deleteMs?: number;
  /** Clock ms a new strategy reports DR status 3 (consistency check) before 1 (default 5000). */
  initialSyncMs?: number;
  /** "xen" (default): seqNum required and returned (§3.8.1 "Xen 平台下必选"); "kvm": optional, not returned. */
  platform?: "xen" | "kvm";
  /** POST vmstrategy of a VM not declared with addVm() → 10440400 (default true). */
  requireDeclaredVms?: boolean;
  /** GET vmstrategy names: "sample" (default: compressMethod/encryptMethod) or "table" (compressOption/encryptOption). */
  responseNames?: "sample" | "table";
  /** Emit the codes the samples show as strings (vrgstatus status, compressMethod, encryptMethod) as numeric strings. */
  sampleTypes?: boolean;
  /** drExtParams in GET vmstrategy: "object" (default, sample; keys follow keyStyle) or "string" (table type String; JSON with the seed's literal camelCase keys). */
  drExtParamsAs?: "object" | "string";
  /** GET vmstrategy on a VRG with no VM: "error" (default, 10440308) or "empty" ({vmList: []}). */
  emptyListAnswer?: "error" | "empty";
  /** GET vmstrategy?vmUuid=a&vmUuid=<unknown>: "fail" (default, whole batch 10440400) or "omit". */
  unknownVmInBatch?: "fail" | "omit";
  /** GET trapinfo with none set: "error" (default, 10440402) or "zeros" ({ip:"0.0.0.0", port:0}). */
  trapNoneAnswer?: "error" | "zeros";
  /** Delete without delFlag: "reject" (default, 10440101) or "normal" (treated as 1). */
  delFlagMissing?: "reject" | "normal";
  /** A peer paired by another VRG shows the pairing in its own GET vrgmap (default true). */
  mirrorPairing?: boolean;
  /** modmngnet ends every live token (default false). */
  invalidateTokensOnMngNetChange?: boolean;
  network?: VrgNetworkOptions;
  /** Initial §3.4 answer (default status 1, 104857600 KB total and available). */
  status?: Partial<VrgStatusInfo>;
  /** Initial trap server (default none). */
  trapInfo?: { ip: string; port: number };
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Label for logs. */
  name?: string;
}

/** A VM the simulated platform knows (addVm). Volumes: UUIDs, optionally with their slot. */
export interface VrgVmSpec {
  uuid: string;
  id?: string;
  name?: string;
  volumes?: Array<string | { uuid: string; seqNum?: number }>;
}

export interface DrExtParams {
  dsMgntIp?: string;
  dsResourceId?: string;
}

/** One volume of a strategy as configured (canonical request names). */
export interface VrgVolumeConfig {
  volUuid: string;
  seqNum?: number;
  /** DR only. */
  volumeUrl?: string;
  dsUrn?: string;
  volType?: VolType;
  drExtParams?: DrExtParams;
  /** DR only: the §3.8.2 sample puts hostUrn in the volume. */
  hostUrn?: string;
}

/** A strategy as configured (canonical request names); flag 1 production, 2 DR (§3.8.3). */
export interface VrgStrategyConfig {
  flag: 1 | 2;
  vmUuid: string;
  vmId?: string;
  vmName?: string;
  encryptOption?: 0 | 1;
  compressOption?: 0 | 1;
  hostUrn?: string;
  agentIp?: string;
  agentPort?: number;
  volList: VrgVolumeConfig[];
}

/** Test view of a strategy now. */
export interface VrgStrategyView extends VrgStrategyConfig {
  volList: Array<VrgVolumeConfig & { volStatus: VolStatus }>;
  drStatus: DrStatus;
  fault: boolean;
  /** A delete was accepted and has not completed yet. */
  deleting: boolean;
  configuredAt: number;
}

export interface PairingView {
  status: PairStatus;
  dstIp?: string;
  dstPort?: number;
  /** Shown because the peer paired with us (mirrorPairing). */
  mirrored: boolean;
}

export interface VrgCounters {
  logins: number;
  failedLogins: number;
  logouts: number;
  lockouts: number;
  liveTokens: number;
  strategiesSet: number;
  deletesAccepted: number;
  pairingsStarted: number;
  mngNetChanges: number;
}

interface VolumeRuntime {
  config: VrgVolumeConfig;
  readyAt: number;
  finalStatus: VolStatus;
}

interface StrategyRuntime {
  config: Omit<VrgStrategyConfig, "volList">;
  volumes: VolumeRuntime[];
  configuredAt: number;
  drStatus?: DrStatus;
  fault: boolean;
  deletion?: { at: number; delFlag: DelFlag; fails: boolean };
}

interface PairingRecord {
  dstIp: string;
  dstPort: number;
  startedAt: number;
  readyAt: number;
  willFail: boolean;
  /** Frozen on the first look at or after readyAt. */
  outcome?: 1 | 3;
  brokenAt?: number;
}

interface ManagementNet {
  ip: string;
  netmask: string;
  gateway: string;
}

/** Default credentials: user "user" (§3.1.2 "X-Auth-User 恒为 user"); the password is ours. */
export const DEFAULT_VRG_USER = "user";
export const DEFAULT_VRG_PASSWORD = "VrgSim@2015";
const DEFAULT_USERS = { [DEFAULT_VRG_USER]: DEFAULT_VRG_PASSWORD };
const MAX_QUERY = 100;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

export class VrgSim {
  readonly clock: Clock;
  readonly fabric: VrgFabric;
  readonly server: SimServer;
  readonly sessions: VrgSessions;
  readonly uuid: string;
  readonly role: VrgRole;
  readonly keyStyle: KeyStyle;
  private readonly users: Record<string, string>;
  private readonly vms = new Map<string, VrgVmSpec>();
  private readonly strategiesByVm = new Map<string, StrategyRuntime>();
  private readonly pendingVolumeFailures = new Map<string, VolStatus>();
  private readonly pendingDeleteFailures = new Map<string, "once" | "sticky">();
  private pendingPairingFailures = 0;
  private pendingLogoutFailures = 0;
  private pairingRecord: PairingRecord | undefined;
  private trap: { ip: string; port: number } | undefined;
  private vrgStatus: VrgStatusInfo;
  private management: ManagementNet;
  private eth0Missing = false;
  private readonly mngNetLog: Array<ManagementNet & { at: number }> = [];
  private readonly stats = { strategiesSet: 0, deletesAccepted: 0, pairingsStarted: 0 };

  constructor(readonly options: VrgSimOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.fabric = options.fabric ?? new VrgFabric();
    this.uuid = options.uuid ?? randomUUID();
    this.role = options.role ?? "production";
    this.keyStyle = options.keyStyle ?? "camel";
    this.users = { ...(options.users ?? DEFAULT_USERS) };
    this.sessions = new VrgSessions(
      this.clock,
      options.tokenValidityMs ?? 600_000,
      options.tokenExpiry ?? "absolute",
      options.lockAfterFailures ?? 3,
      options.lockMs ?? 300_000,
    );
    this.vrgStatus = {
      status: 1,
      availableCapacity: 104_857_600,
      totalCapacity: 104_857_600,
      ...options.status,
    };
    this.trap = options.trapInfo && options.trapInfo.ip !== "0.0.0.0" ? { ...options.trapInfo } : undefined;
    const mgmt = options.network?.management;
    this.management = {
      ip: mgmt?.ip ?? "127.0.0.1",
      netmask: mgmt?.netmask ?? "255.0.0.0",
      gateway: mgmt?.gateway ?? "127.0.0.254",
    };
    this.server = new SimServer({
      name: options.name ?? `vrg ${this.uuid.slice(0, 8)}`,
      clock: this.clock,
      tls: options.tls,
      faultBody: (status, req) =>
        vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], `injected HTTP ${status}`),
      notFound: (req, { allowedMethods }) =>
        allowedMethods.length > 0
          ? {
              status: 405,
              headers: { Allow: allowedMethods.join(", ") },
              body: vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], "method not allowed"),
            }
          : {
              status: 404,
              body: vrgErrorBody(VRG_ERRORS.internal, req.headers["accept-language"], "resource not found"),
            },
      onError: (err, req) => ({
        status: 500,
        body: vrgErrorBody(
          VRG_ERRORS.internal,
          req.headers["accept-language"],
          err instanceof Error ? err.message : String(err),
        ),
      }),
    });
    installVrgRoutes(this.server, this);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async start(): Promise<string> {
    const url = await this.server.start();
    this.attachToFabric();
    return url;
  }

  async stop(): Promise<void> {
    this.fabric.detach(this);
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /** "http://127.0.0.1:PORT/vrgservice". */
  get baseUrl(): string {
    return this.server.url + BASE_PATH;
  }

  get running(): boolean {
    return this.server.running;
  }

  /** netinfos type 2: what a peer puts in vrgmap dstIp/dstPort. */
  get replicationAddress(): { ip: string; port: number } {
    const r = this.options.network?.replication;
    return { ip: r?.ip ?? "127.0.0.1", port: r?.port ?? this.server.port };
  }

  /** netinfos type 0 now (modmngnet changes it). */
  get managementNetwork(): { ip: string; port: number; netmask: string; gateway: string } {
    return { ...this.management, port: this.server.port };
  }

  /** Every modmngnet accepted, oldest first. */
  get managementChanges(): Array<{ ip: string; netmask: string; gateway: string; at: number }> {
    return this.mngNetLog.map((c) => ({ ...c }));
  }

  // ---- counters -----------------------------------------------------------------------------

  get counters(): VrgCounters {
    return {
      ...this.sessions.counters,
      liveTokens: this.liveTokens,
      ...this.stats,
      mngNetChanges: this.mngNetLog.length,
    };
  }
  get logins(): number {
    return this.sessions.counters.logins;
  }
  get failedLogins(): number {
    return this.sessions.counters.failedLogins;
  }
  get liveTokens(): number {
    return this.sessions.live().length;
  }
  /** Requests received (same key forms as SimServer.requestCount: "GET /vrgservice/vmstrategy", "*"). */
  requestCount(routeKey?: string): number {
    return this.server.requestCount(routeKey);
  }

  // ---- platform inventory -------------------------------------------------------------------

  /** Declares a VM that exists on the platform (POST vmstrategy of an undeclared VM → 10440400). */
  addVm(vm: VrgVmSpec): void {
    this.vms.set(vm.uuid.toLowerCase(), structuredClone(vm));
  }

  removeVm(uuid: string): boolean {
    return this.vms.delete(uuid.toLowerCase());
  }

  // ---- fault and drift hooks ----------------------------------------------------------------

  /** Every live token times out now (next call → 10440102). Returns how many. */
  expireAllTokens(): number {
    return this.sessions.expireAll();
  }

  lockState(user = this.defaultUser()): LockState {
    return this.sessions.lockState(user);
  }

  /** Clears wrong-password counts and locks (of one user or all). */
  resetLockout(user?: string): void {
    this.sessions.resetLock(user);
  }

  /** Locks a user now, as three wrong passwords would. */
  lockAccount(user = this.defaultUser(), ms?: number): void {
    this.sessions.lock(user, ms);
  }

  /** The next logout answers 10440205 (the token stays valid). */
  failNextLogout(): void {
    this.pendingLogoutFailures += 1;
  }

  /** The next POST vrgmap ends in status 3 (failed) after pairingMs. */
  failNextPairing(): void {
    this.pendingPairingFailures += 1;
  }

  /** The current normal pairing shows 5 (link broken) from now on, on both sides. */
  breakLink(): void {
    const record = this.pairingRecord ?? this.mirrorSource()?.pairingRecord;
    const status = this.pairing().status;
    if (!record || status !== PAIR_STATUS.normal)
      throw new Error(`breakLink: pairing status is ${status}, not 1`);
    record.brokenAt = this.clock.now();
  }

  /** Pairs with `peer` at once (status 1 now, no HTTP), as if a POST vrgmap had completed. */
  pairWith(peer: VrgSim): void {
    const { ip, port } = peer.replicationAddress;
    const now = this.clock.now();
    this.pairingRecord = { dstIp: ip, dstPort: port, startedAt: now, readyAt: now, willFail: false };
  }

  /** Undoes breakLink(). */
  restoreLink(): void {
    const record = this.pairingRecord ?? this.mirrorSource()?.pairingRecord;
    if (record) delete record.brokenAt;
  }

  /**
   * A DR volume's volStatus becomes `status` (2 path error, 3 type error, 4 used by another VRG,
   * 6 delete failed; 1 restores): when its "setting" phase ends if it is still setting, otherwise
   * at once. For a volume not configured yet, it applies when it is configured.
   */
  failVolume(vmUuid: string, volUuid: string, status: VolStatus): void {
    if (status === VOL_STATUS.setting)
      throw new Error("failVolume: 5 (setting) is a transient state, not a fault");
    const strategy = this.strategiesByVm.get(vmUuid.toLowerCase());
    const volume = strategy?.volumes.find((v) => v.config.volUuid === volUuid);
    if (!strategy || !volume) {
      this.pendingVolumeFailures.set(volumeKey(vmUuid, volUuid), status);
      return;
    }
    if (strategy.config.flag === 1)
      throw new Error("failVolume: production strategies report no volStatus (§3.8.3)");
    volume.finalStatus = status;
  }

  /** The next normal (delFlag 1) delete of this VM fails: volumes show 6 and the strategy stays. Force (2) gets past it. */
  failNextDelete(vmUuid: string, opts: { sticky?: boolean } = {}): void {
    this.pendingDeleteFailures.set(vmUuid.toLowerCase(), opts.sticky ? "sticky" : "once");
  }

  /** Marks a VM as disconnected from its writeagent (listed by faultVms=1, §3.8.3). */
  setVmFault(vmUuid: string, fault: boolean): void {
    const strategy = this.strategiesByVm.get(vmUuid.toLowerCase());
    if (!strategy) throw new Error(`setVmFault: no strategy for ${vmUuid}`);
    strategy.fault = fault;
  }

  /** Overrides the DR status of a VM (undefined: back to the clock model 3 → 1). */
  setDrStatus(vmUuid: string, status: DrStatus | undefined): void {
    const strategy = this.strategiesByVm.get(vmUuid.toLowerCase());
    if (!strategy) throw new Error(`setDrStatus: no strategy for ${vmUuid}`);
    strategy.drStatus = status;
  }

  setVrgStatus(patch: Partial<VrgStatusInfo>): void {
    this.vrgStatus = { ...this.vrgStatus, ...patch };
  }

  /** GET netinfos answers 10440305 while true. */
  setEth0Missing(missing: boolean): void {
    this.eth0Missing = missing;
  }

  /** Out-of-band removal of a strategy (someone deleted it on the VRG). Returns whether it existed. */
  removeStrategy(vmUuid: string): boolean {
    return this.strategiesByVm.delete(vmUuid.toLowerCase());
  }

  /**
   * Adds a framework fault answering 400 `{errorCode: code}` (any seed code) on a route key such
   * as "POST /vrgservice/vmstrategy". Default once.
   */
  injectError(route: string, code: string, opts: Omit<FaultSpec, "route" | "status" | "body"> = {}): Fault {
    const def = VRG_ERRORS_BY_CODE[code];
    if (!def) throw new Error(`injectError: ${code} is not a seed 001 error code`);
    return this.server.faults.add({ ...opts, route, status: def.status, body: vrgErrorBody(def) });
  }

  // ---- reads for assertions -----------------------------------------------------------------

  strategies(): VrgStrategyView[] {
    this.settle();
    return [...this.strategiesByVm.values()].map((s) => this.view(s));
  }

  strategy(vmUuid: string): VrgStrategyView | undefined {
    this.settle();
    const s = this.strategiesByVm.get(vmUuid.toLowerCase());
    return s && this.view(s);
  }

  pairing(): PairingView {
    const now = this.clock.now();
    if (this.pairingRecord) {
      const r = this.pairingRecord;
      return { status: this.pairStatus(r, now), dstIp: r.dstIp, dstPort: r.dstPort, mirrored: false };
    }
    const source = this.mirrorSource();
    if (source) {
      const a = source.replicationAddress;
      return {
        status: source.pairStatus(source.pairingRecord!, now),
        dstIp: a.ip,
        dstPort: a.port,
        mirrored: true,
      };
    }
    return { status: PAIR_STATUS.unpaired, mirrored: false };
  }

  get trapInfo(): { ip: string; port: number } | undefined {
    return this.trap && { ...this.trap };
  }

  // ---- model used by routes -----------------------------------------------------------------

  /** Applies due deletions (removal, or volStatus 6 for a failed normal delete). */
  settle(): void {
    const now = this.clock.now();
    for (const [key, s] of this.strategiesByVm) {
      if (!s.deletion || s.deletion.at > now) continue;
      if (s.deletion.fails) {
        for (const v of s.volumes) {
          v.finalStatus = VOL_STATUS.deleteFailed;
          v.readyAt = Math.min(v.readyAt, s.deletion.at);
        }
        delete s.deletion;
      } else {
        this.strategiesByVm.delete(key);
      }
    }
  }

  /** Canonical camelCase response → wire style. */
  wire(body: unknown): unknown {
    return toWire(body, this.keyStyle);
  }

  /** Request body → canonical camelCase object (10440101 when not a JSON object or wrong key style). */
  readBody(body: unknown, bodyError: Error | undefined, style = this.keyStyle): Record<string, unknown> {
    if (bodyError) vrgFail("invalidParameter", "body is not JSON");
    if (!isObject(body)) vrgFail("invalidParameter", "body must be a JSON object");
    return fromWire(body, style) as Record<string, unknown>;
  }

  login(user: string | undefined, key: string | undefined): VrgToken {
    const refuse = (name: VrgErrorName, detail?: string): never => {
      this.sessions.counters.failedLogins += 1;
      return vrgFail(name, detail);
    };
    if (user === undefined || key === undefined)
      return refuse("invalidParameter", "X-Auth-User and X-Auth-Key are required");
    if (user.length < 1 || user.length > 20)
      return refuse("invalidParameter", "X-Auth-User length must be 1..20");
    if (this.sessions.isLocked(user)) return refuse("accountLocked");
    if (!Object.prototype.hasOwnProperty.call(this.users, user)) return refuse("userNotFound");
    const format = this.options.acceptUppercaseKey ? /^[0-9a-f]{64}$/i : /^[0-9a-f]{64}$/;
    if (!format.test(key))
      return refuse("invalidPassword", "X-Auth-Key must be the SHA-256 of the password in hex");
    if (key.toLowerCase() !== sha256Hex(this.users[user]!)) {
      return refuse(this.sessions.recordWrongPassword(user) ? "lockedNow" : "wrongPassword");
    }
    this.sessions.recordSuccess(user);
    return this.sessions.create(user);
  }

  logout(token: VrgToken): void {
    if (this.pendingLogoutFailures > 0) {
      this.pendingLogoutFailures -= 1;
      vrgFail("logoutFailed");
    }
    this.sessions.end(token);
    this.sessions.counters.logouts += 1;
  }

  versions(): unknown {
    return { versions: [{ version: this.options.version ?? "v1.0", loginUri: `${BASE_PATH}/session` }] };
  }

  loginBody(): { validity: number; uuid: string } {
    return { validity: this.sessions.validityMs, uuid: this.uuid };
  }

  setTrap(body: Record<string, unknown>): void {
    const ip = requireValid(body, "ip", isIpv4, "invalidIp");
    if (ip === "0.0.0.0") {
      const port = body["port"];
      if (port !== undefined && port !== 0 && !isPort(port))
        vrgFail("invalidPort", `port=${JSON.stringify(port)}`);
      this.trap = undefined;
      return;
    }
    if (ip === "255.255.255.255") vrgFail("invalidIp", `ip=${ip}`);
    const port = requireValid(body, "port", isPort, "invalidPort");
    this.trap = { ip, port };
  }

  getTrap(): { ip: string; port: number } {
    if (this.trap) return { ...this.trap };
    if (this.options.trapNoneAnswer === "zeros") return { ip: "0.0.0.0", port: 0 };
    return vrgFail("trapInfoMissing");
  }

  statusBody(): unknown {
    const s = this.vrgStatus;
    return {
      status: this.options.sampleTypes ? String(s.status) : s.status,
      availableCapacity: s.availableCapacity,
      totalCapacity: s.totalCapacity,
    };
  }

  netInfosBody(): unknown {
    if (this.eth0Missing) vrgFail("eth0Missing");
    const cna = this.options.network?.cna;
    const rep = this.replicationAddress;
    return {
      netInfos: [
        { type: 0, ...this.managementNetwork },
        {
          type: 1,
          ip: cna?.ip ?? "127.0.0.1",
          port: cna?.port ?? 9100,
          netmask: cna?.netmask ?? "255.0.0.0",
        },
        {
          type: 2,
          ip: rep.ip,
          port: rep.port,
          netmask: this.options.network?.replication?.netmask ?? "255.0.0.0",
        },
      ],
    };
  }

  vmDrStatus(vmUuid: string): { status: DrStatus } {
    if (!isUuid(vmUuid)) vrgFail("invalidVmUuid", vmUuid);
    const s = this.strategiesByVm.get(vmUuid.toLowerCase());
    if (!s) return vrgFail("vmNotFound", vmUuid);
    return { status: this.drStatusOf(s) };
  }

  changeManagementNet(body: Record<string, unknown>): unknown {
    const ip = requireValid(body, "newIp", isHostIp, "invalidIp");
    const netmask = requireValid(body, "newMask", isNetmask, "invalidParameter");
    const gateway = requireValid(body, "newGateway", isHostIp, "invalidParameter");
    if (!sameSubnet(ip, gateway, netmask))
      vrgFail("invalidParameter", "newGateway is not in the newIp/newMask subnet");
    this.management = { ip, netmask, gateway };
    this.mngNetLog.push({ ...this.management, at: this.clock.now() });
    this.attachToFabric();
    if (this.options.invalidateTokensOnMngNetChange) this.sessions.expireAll();
    return { IP: ip, netmask, netGateway: gateway };
  }

  // ---- vrgmap (§3.7) ------------------------------------------------------------------------

  addPairing(body: Record<string, unknown>): void {
    const dstIp = requireValid(body, "dstIp", isHostIp, "invalidIp");
    const dstPort = requireValid(body, "dstPort", isPort, "invalidPort");
    const now = this.clock.now();
    const current = this.pairingRecord;
    if (current && current.dstIp === dstIp && current.dstPort === dstPort) {
      const status = this.pairStatus(current, now);
      if (status === PAIR_STATUS.normal || status === PAIR_STATUS.pairing) return;
    }
    const willFail = this.pendingPairingFailures > 0;
    if (willFail) this.pendingPairingFailures -= 1;
    this.pairingRecord = {
      dstIp,
      dstPort,
      startedAt: now,
      readyAt: now + (this.options.pairingMs ?? 3000),
      willFail,
    };
    this.stats.pairingsStarted += 1;
  }

  deletePairing(): void {
    if (this.pairingRecord) {
      this.pairingRecord = undefined;
      return;
    }
    const source = this.mirrorSource();
    if (source) source.pairingRecord = undefined;
  }

  pairingBody(): unknown {
    const p = this.pairing();
    return p.dstIp === undefined
      ? { status: p.status }
      : { dstIp: p.dstIp, dstPort: p.dstPort, status: p.status };
  }

  /** Pairing status of one record at `now` (§3.7.3). */
  private pairStatus(record: PairingRecord, now: number): PairStatus {
    if (now < record.readyAt) return PAIR_STATUS.pairing;
    if (record.outcome === undefined) {
      record.outcome = !record.willFail && this.peerOf(record) ? PAIR_STATUS.normal : PAIR_STATUS.failed;
    }
    if (record.outcome === PAIR_STATUS.failed) return PAIR_STATUS.failed;
    if (record.brokenAt !== undefined && record.brokenAt <= now) return PAIR_STATUS.linkBroken;
    return this.peerOf(record) ? PAIR_STATUS.normal : PAIR_STATUS.linkBroken;
  }

  private peerOf(record: PairingRecord): VrgSim | undefined {
    const peer = this.fabric.lookup(record.dstIp, record.dstPort);
    return peer && peer !== this && peer.running ? peer : undefined;
  }

  /** Another VRG whose own pairing points at us and is (or was) established. */
  private mirrorSource(): VrgSim | undefined {
    const now = this.clock.now();
    for (const other of this.fabric.vrgs()) {
      if (other === this || !other.running || !other.pairingRecord) continue;
      if (other.options.mirrorPairing === false) continue;
      if (this.fabric.lookup(other.pairingRecord.dstIp, other.pairingRecord.dstPort) !== this) continue;
      const status = other.pairStatus(other.pairingRecord, now);
      if (status === PAIR_STATUS.normal || status === PAIR_STATUS.linkBroken) return other;
    }
    return undefined;
  }

  // ---- vmstrategy (§3.8) --------------------------------------------------------------------

  /** POST vmstrategy: validates (§3.8.1 or §3.8.2 by role) and stores. */
  setStrategy(body: Record<string, unknown>): void {
    const dr = this.role === "dr" || (this.role === "both" && body["agentIp"] !== undefined);
    const config = dr ? this.parseDr(body) : this.parseProduction(body);
    this.checkAgainstInventory(config);
    const now = this.clock.now();
    const key = config.vmUuid.toLowerCase();
    const previous = this.strategiesByVm.get(key);
    const keepPrevious = previous && !previous.deletion && previous.config.flag === config.flag;
    const volumes = config.volList.map((vol): VolumeRuntime => {
      // An unchanged volume keeps its state; a failed delete (6) is cleared by setting it again.
      const old = keepPrevious ? previous.volumes.find((v) => sameVolume(v.config, vol)) : undefined;
      if (old && old.finalStatus !== VOL_STATUS.deleteFailed) return { ...old, config: vol };
      const pending = this.pendingVolumeFailures.get(volumeKey(config.vmUuid, vol.volUuid));
      this.pendingVolumeFailures.delete(volumeKey(config.vmUuid, vol.volUuid));
      const conflict = dr && this.volumeUsedElsewhere(vol);
      return {
        config: vol,
        readyAt: dr ? now + (this.options.volumeSetMs ?? 2000) : now,
        finalStatus: pending ?? (conflict ? VOL_STATUS.usedByOtherVrg : VOL_STATUS.normal),
      };
    });
    const { volList: _volList, ...rest } = config;
    const runtime: StrategyRuntime = {
      config: rest,
      volumes,
      configuredAt: keepPrevious ? previous.configuredAt : now,
      drStatus: keepPrevious ? previous.drStatus : undefined,
      fault: keepPrevious ? previous.fault : false,
    };
    this.strategiesByVm.set(key, runtime);
    this.stats.strategiesSet += 1;
  }

  /** GET vmstrategy with the §3.8.3 query rules. */
  queryStrategies(query: URLSearchParams): unknown {
    const has = (k: string): boolean => query.has(k);
    const uuids = query.getAll("vmUuid");
    if (has("limit") !== has("offset")) vrgFail("invalidParameter", "limit and offset go together");
    if (uuids.length > 0 && (has("limit") || has("faultVms"))) {
      vrgFail("invalidParameter", "vmUuid excludes limit/offset and faultVms");
    }
    let limit = MAX_QUERY;
    let offset = 0;
    if (has("limit")) {
      limit = parseNonNegativeInt(query.get("limit"), "limit");
      offset = parseNonNegativeInt(query.get("offset"), "offset");
      if (limit === 0) vrgFail("invalidParameter", "limit must be at least 1");
      if (limit > MAX_QUERY) {
        limit = MAX_QUERY;
        offset = 0;
      }
    }
    let faultOnly = false;
    if (has("faultVms")) {
      const f = query.get("faultVms");
      if (f !== "0" && f !== "1") vrgFail("invalidParameter", `faultVms=${f}`);
      faultOnly = f === "1";
    }
    for (const u of uuids) if (!isUuid(u)) vrgFail("invalidVmUuid", u);
    if (this.strategiesByVm.size === 0 && this.options.emptyListAnswer !== "empty") vrgFail("noVmInSystem");

    let selected: StrategyRuntime[];
    if (uuids.length > 0) {
      selected = [];
      const seen = new Set<string>();
      for (const u of uuids.slice(0, MAX_QUERY)) {
        const key = u.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const s = this.strategiesByVm.get(key);
        if (s) selected.push(s);
        else if (this.options.unknownVmInBatch !== "omit") vrgFail("vmNotFound", u);
      }
    } else {
      const all = [...this.strategiesByVm.values()].filter((s) => !faultOnly || s.fault);
      selected = all.slice(offset, offset + limit);
    }
    return { vmList: selected.map((s) => this.strategyBody(s)) };
  }

  /** POST vmstrategy/<vmUuid>: accepts a delete, answers the pre-deletion drStatus (§3.8.4). */
  deleteStrategy(vmUuid: string, body: Record<string, unknown>): { drStatus: DrStatus } {
    if (!isUuid(vmUuid)) vrgFail("invalidVmUuid", vmUuid);
    let delFlag = body["delFlag"];
    if (delFlag === undefined && this.options.delFlagMissing === "normal") delFlag = DEL_FLAG.normal;
    if (delFlag !== DEL_FLAG.normal && delFlag !== DEL_FLAG.force) {
      vrgFail("invalidParameter", `delFlag must be 1 or 2, got ${JSON.stringify(delFlag)}`);
    }
    const key = vmUuid.toLowerCase();
    const s = this.strategiesByVm.get(key);
    if (!s) return vrgFail("vmNotFound", vmUuid);
    const drStatus = this.drStatusOf(s);
    const now = this.clock.now();
    if (
      s.deletion &&
      !s.deletion.fails &&
      (s.deletion.delFlag === DEL_FLAG.force || delFlag === DEL_FLAG.normal)
    ) {
      return { drStatus }; // already being deleted
    }
    let fails = false;
    const armed = this.pendingDeleteFailures.get(key);
    if (delFlag === DEL_FLAG.normal && armed) {
      fails = true;
      if (armed === "once") this.pendingDeleteFailures.delete(key);
    }
    s.deletion = { at: now + (this.options.deleteMs ?? 2000), delFlag, fails };
    this.stats.deletesAccepted += 1;
    this.settle();
    return { drStatus };
  }

  // ---- internals ----------------------------------------------------------------------------

  private defaultUser(): string {
    return Object.keys(this.users)[0] ?? "user";
  }

  private attachToFabric(): void {
    if (!this.server.running) return;
    const port = this.server.port;
    const rep = this.replicationAddress;
    this.fabric.attach(this, [`127.0.0.1:${port}`, `${this.management.ip}:${port}`, `${rep.ip}:${rep.port}`]);
  }

  private drStatusOf(s: StrategyRuntime): DrStatus {
    if (s.drStatus !== undefined) return s.drStatus;
    const syncMs = this.options.initialSyncMs ?? 5000;
    return this.clock.now() < s.configuredAt + syncMs
      ? DR_STATUS.consistencyCheck
      : DR_STATUS.incrementalQueue;
  }

  private volStatusOf(v: VolumeRuntime): VolStatus {
    return this.clock.now() < v.readyAt ? VOL_STATUS.setting : v.finalStatus;
  }

  private view(s: StrategyRuntime): VrgStrategyView {
    return {
      ...structuredClone(s.config),
      volList: s.volumes.map((v) => ({ ...structuredClone(v.config), volStatus: this.volStatusOf(v) })),
      drStatus: this.drStatusOf(s),
      fault: s.fault,
      deleting: s.deletion !== undefined,
      configuredAt: s.configuredAt,
    };
  }

  /** One vmList entry of GET vmstrategy (canonical names; §3.8.3 table and sample). */
  private strategyBody(s: StrategyRuntime): Record<string, unknown> {
    const c = s.config;
    const xen = (this.options.platform ?? "xen") === "xen";
    const code = (n: number): number | string => (this.options.sampleTypes ? String(n) : n);
    if (c.flag === 1) {
      const names =
        this.options.responseNames === "table"
          ? { compress: "compressOption", encrypt: "encryptOption" }
          : { compress: "compressMethod", encrypt: "encryptMethod" };
      return {
        flag: 1,
        vmUuid: c.vmUuid,
        [names.compress]: code(c.compressOption ?? 0),
        [names.encrypt]: code(c.encryptOption ?? 0),
        volList: s.volumes.map((v) => {
          const out: Record<string, unknown> = { volUuid: v.config.volUuid };
          if (xen && v.config.seqNum !== undefined) out["seqNum"] = v.config.seqNum;
          return out;
        }),
      };
    }
    const entry: Record<string, unknown> = { flag: 2, vmUuid: c.vmUuid };
    if (c.hostUrn !== undefined) entry["hostUrn"] = c.hostUrn;
    entry["agentIp"] = c.agentIp;
    entry["agentPort"] = c.agentPort;
    entry["volList"] = s.volumes.map((v) => {
      const vol = v.config;
      const out: Record<string, unknown> = { volUuid: vol.volUuid, proVolUuid: vol.volUuid };
      if (vol.dsUrn !== undefined) out["dstVolDsUrn"] = vol.dsUrn;
      if (vol.volType !== undefined) out["dstVolType"] = vol.volType;
      out["volStatus"] = this.volStatusOf(v);
      if (xen && vol.seqNum !== undefined) out["seqNum"] = vol.seqNum;
      out["volumeUrl"] = vol.volumeUrl;
      if (vol.drExtParams !== undefined) {
        out["drExtParams"] =
          this.options.drExtParamsAs === "string" ? JSON.stringify(vol.drExtParams) : { ...vol.drExtParams };
      }
      return out;
    });
    return entry;
  }

  private parseCommon(body: Record<string, unknown>): Pick<VrgStrategyConfig, "vmUuid" | "vmId" | "vmName"> {
    const vmUuid = requireValid(body, "vmUuid", isUuid, "invalidVmUuid");
    const out: Pick<VrgStrategyConfig, "vmUuid" | "vmId" | "vmName"> = { vmUuid };
    const vmId = optionalString(body, "vmId");
    const vmName = optionalString(body, "vmName");
    if (vmId !== undefined) out.vmId = vmId;
    if (vmName !== undefined) out.vmName = vmName;
    return out;
  }

  private volListOf(body: Record<string, unknown>): Array<Record<string, unknown>> {
    const list = body["volList"];
    if (!Array.isArray(list) || list.length === 0) vrgFail("invalidParameter", "volList is required");
    return list.map((item, i) => {
      if (!isObject(item)) return vrgFail("invalidParameter", `volList[${i}] must be an object`);
      return item;
    });
  }

  private seqNumOf(vol: Record<string, unknown>, where: string): number | undefined {
    const seqNum = vol["seqNum"];
    const xen = (this.options.platform ?? "xen") === "xen";
    if (seqNum === undefined && !xen) return undefined;
    if (seqNum === undefined) return vrgFail("invalidParameter", `${where}seqNum is required on Xen`);
    if (typeof seqNum !== "number" || !Number.isInteger(seqNum) || seqNum < 1 || seqNum > 40) {
      return vrgFail("invalidParameter", `${where}seqNum must be 1..40, got ${JSON.stringify(seqNum)}`);
    }
    return seqNum;
  }

  private parseProduction(body: Record<string, unknown>): VrgStrategyConfig {
    const config: VrgStrategyConfig = { flag: 1, ...this.parseCommon(body), volList: [] };
    for (const key of ["encryptOption", "compressOption"] as const) {
      const value = body[key];
      if (value === undefined) continue;
      if (value !== 0 && value !== 1) vrgFail("invalidParameter", `${key} must be 0 or 1`);
      config[key] = value;
    }
    config.volList = this.volListOf(body).map((vol, i) => {
      const where = `volList[${i}].`;
      const out: VrgVolumeConfig = { volUuid: requireString(vol, "volUuid", where) };
      const seqNum = this.seqNumOf(vol, where);
      if (seqNum !== undefined) out.seqNum = seqNum;
      return out;
    });
    checkDuplicates(config.volList);
    return config;
  }

  private parseDr(body: Record<string, unknown>): VrgStrategyConfig {
    const config: VrgStrategyConfig = { flag: 2, ...this.parseCommon(body), volList: [] };
    config.agentIp = requireValid(body, "agentIp", isHostIp, "invalidIp");
    config.agentPort = requireValid(body, "agentPort", isPort, "invalidPort");
    const hostUrn = optionalString(body, "hostUrn");
    if (hostUrn !== undefined) config.hostUrn = hostUrn;
    config.volList = this.volListOf(body).map((vol, i) => {
      const where = `volList[${i}].`;
      const out: VrgVolumeConfig = {
        volUuid: requireString(vol, "volUuid", where),
        volumeUrl: requireString(vol, "volumeUrl", where),
      };
      const dsUrn = optionalString(vol, "dsUrn", where);
      if (dsUrn !== undefined) out.dsUrn = dsUrn;
      const volType = vol["volType"];
      if (volType !== undefined) {
        if (!(VOL_TYPES as readonly unknown[]).includes(volType)) {
          vrgFail("invalidParameter", `${where}volType must be one of ${VOL_TYPES.join(", ")}`);
        }
        out.volType = volType as VolType;
      }
      const seqNum = this.seqNumOf(vol, where);
      if (seqNum !== undefined) out.seqNum = seqNum;
      const ext = this.drExtParamsOf(vol["drExtParams"], where);
      if (ext !== undefined) out.drExtParams = ext;
      if (out.volType === "DSWARE" && (ext?.dsMgntIp === undefined || ext.dsResourceId === undefined)) {
        vrgFail("invalidParameter", `${where}drExtParams {dsMgntIp, dsResourceId} is required for DSWARE`);
      }
      const volHostUrn = optionalString(vol, "hostUrn", where);
      if (volHostUrn !== undefined) out.hostUrn = volHostUrn;
      return out;
    });
    if (config.hostUrn === undefined) {
      const fromVolume = config.volList.find((v) => v.hostUrn !== undefined)?.hostUrn;
      if (fromVolume !== undefined) config.hostUrn = fromVolume;
    }
    checkDuplicates(config.volList);
    return config;
  }

  /** drExtParams: an object (sample) or a JSON string (table type String). */
  private drExtParamsOf(value: unknown, where: string): DrExtParams | undefined {
    if (value === undefined) return undefined;
    let parsed: unknown = value;
    if (typeof value === "string") {
      // The string form is opaque JSON whose keys the seed gives literally (dsMgntIp,
      // dsResourceId) in both styles; snake_case inside it is tolerated.
      try {
        parsed = JSON.parse(value) as unknown;
      } catch {
        return vrgFail("invalidParameter", `${where}drExtParams is not JSON`);
      }
      if (isObject(parsed))
        parsed = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [toCamel(k), v]));
    }
    if (!isObject(parsed)) return vrgFail("invalidParameter", `${where}drExtParams must be an object`);
    const out: DrExtParams = {};
    if (parsed["dsMgntIp"] !== undefined) {
      if (!isHostIp(parsed["dsMgntIp"])) vrgFail("invalidParameter", `${where}drExtParams.dsMgntIp`);
      out.dsMgntIp = parsed["dsMgntIp"];
    }
    if (parsed["dsResourceId"] !== undefined) {
      if (typeof parsed["dsResourceId"] !== "string")
        vrgFail("invalidParameter", `${where}drExtParams.dsResourceId`);
      out.dsResourceId = parsed["dsResourceId"];
    }
    return out;
  }

  /** 10440400 for an undeclared VM, 10440101 for a volume not of the VM, 10440306 across VMs of this VRG. */
  private checkAgainstInventory(config: VrgStrategyConfig): void {
    const key = config.vmUuid.toLowerCase();
    if (this.options.requireDeclaredVms !== false) {
      const vm = this.vms.get(key);
      if (!vm) return vrgFail("vmNotFound", config.vmUuid);
      if (vm.volumes && vm.volumes.length > 0) {
        const known = new Set(vm.volumes.map((v) => (typeof v === "string" ? v : v.uuid)));
        for (const v of config.volList) {
          if (!known.has(v.volUuid))
            vrgFail("invalidParameter", `volume ${v.volUuid} does not belong to VM ${config.vmUuid}`);
        }
      }
    }
    for (const [otherKey, other] of this.strategiesByVm) {
      if (otherKey === key || other.deletion) continue;
      for (const v of config.volList) {
        if (other.volumes.some((o) => sameUuid(o.config.volUuid, v.volUuid))) {
          vrgFail("duplicateVolumeUuid", `${v.volUuid} is already configured for VM ${other.config.vmUuid}`);
        }
      }
    }
  }

  /** Another VRG of the fabric has a DR strategy on the same target volume (volumeUrl). */
  private volumeUsedElsewhere(vol: VrgVolumeConfig): boolean {
    if (vol.volumeUrl === undefined) return false;
    for (const other of this.fabric.vrgs()) {
      if (other === this) continue;
      for (const s of other.strategiesByVm.values()) {
        if (s.deletion || s.config.flag !== 2) continue;
        if (s.volumes.some((v) => v.config.volumeUrl === vol.volumeUrl)) return true;
      }
    }
    return false;
  }
}

function volumeKey(vmUuid: string, volUuid: string): string {
  return `${vmUuid.toLowerCase()}/${volUuid}`;
}

function sameVolume(a: VrgVolumeConfig, b: VrgVolumeConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Volume UUIDs compare case-insensitively, as VM UUIDs do (UNCONFIRMED for volumes). */
function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** 10440306 duplicate volUuid (case-insensitive), 10440309 duplicate seqNum (§3.8.1, §3.8.2). */
function checkDuplicates(volList: VrgVolumeConfig[]): void {
  const uuids = new Set<string>();
  const slots = new Set<number>();
  for (const v of volList) {
    const key = v.volUuid.toLowerCase();
    if (uuids.has(key)) vrgFail("duplicateVolumeUuid", v.volUuid);
    uuids.add(key);
  }
  for (const v of volList) {
    if (v.seqNum === undefined) continue;
    if (slots.has(v.seqNum)) vrgFail("duplicateSlot", `seqNum ${v.seqNum}`);
    slots.add(v.seqNum);
  }
}

function parseNonNegativeInt(value: string | null, name: string): number {
  if (value === null || !/^\d+$/.test(value)) return vrgFail("invalidParameter", `${name}=${value}`);
  return Number(value);
}

function ipToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function sameSubnet(a: string, b: string, mask: string): boolean {
  const m = ipToInt(mask);
  return (ipToInt(a) & m) >>> 0 === (ipToInt(b) & m) >>> 0;
}
