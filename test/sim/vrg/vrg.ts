/**
 * One simulated Huawei FusionCompute VRG (Virtual Replication Gateway) with its `/vrgservice`
 * REST server (seed 001, FusionCompute V100R005C10 VRG interface document). `VrgSim` is the face
 * tests use: lifecycle, counters, fault and drift hooks, reads for assertions. The state lives in
 * one object per API object, as in provider/vendors/vrg/: login/session (login.ts, sessions.ts),
 * vrgstatus/netinfos/modmngnet (status.ts), trapinfo (alarm-server.ts), vrgmap (pairing.ts),
 * vmstrategy/vmdrstatus (strategy.ts). Every asynchronous state is derived from `clock.now()`;
 * nothing sleeps. HTTP mapping lives in routes.ts; start one with startVrg() (index.ts). See
 * test/sim/README.md, "Huawei VRG (seed 001)".
 */
import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../../../provider/core/clock";
import { SimServer, type FaultSpec, type Fault } from "../framework";
import { VrgAlarmServer } from "./alarm-server";
import { vrgFail } from "./errors";
import { VrgFabric } from "./fabric";
import { injectVrgError, vrgServerHooks } from "./faults";
import { fromWire, toWire, type KeyStyle } from "./keys";
import { VrgLogin } from "./login";
import type {
  DrStatus,
  PairingView,
  VolStatus,
  VrgCounters,
  VrgStatusInfo,
  VrgStrategyView,
  VrgVmSpec,
} from "./models";
import type { VrgRole, VrgSimOptions } from "./modes";
import { VrgPairing } from "./pairing";
import { BASE_PATH } from "./paths";
import { installVrgRoutes } from "./routes";
import type { LockState, VrgSessions, VrgToken } from "./sessions";
import { VrgSystem } from "./status";
import { VrgStrategies } from "./strategy";
import { isObject } from "./validate";

export class VrgSim {
  readonly clock: Clock;
  readonly fabric: VrgFabric;
  readonly server: SimServer;
  readonly sessions: VrgSessions;
  readonly uuid: string;
  readonly role: VrgRole;
  readonly keyStyle: KeyStyle;
  /** The API objects (routes.ts answers through them; tests use the methods of VrgSim). */
  readonly session: VrgLogin;
  readonly system: VrgSystem;
  readonly trapinfo: VrgAlarmServer;
  readonly vrgmap: VrgPairing;
  readonly vmstrategy: VrgStrategies;

  constructor(readonly options: VrgSimOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.fabric = options.fabric ?? new VrgFabric();
    this.uuid = options.uuid ?? randomUUID();
    this.role = options.role ?? "production";
    this.keyStyle = options.keyStyle ?? "camel";
    this.session = new VrgLogin(this.clock, options, this.uuid);
    this.sessions = this.session.sessions;
    this.system = new VrgSystem(
      this.clock,
      options,
      () => this.server.port,
      () => {
        this.attachToFabric();
        if (this.options.invalidateTokensOnMngNetChange) this.sessions.expireAll();
      },
    );
    this.trapinfo = new VrgAlarmServer(options);
    this.vrgmap = new VrgPairing(this);
    this.vmstrategy = new VrgStrategies(this);
    this.server = new SimServer({
      name: options.name ?? `vrg ${this.uuid.slice(0, 8)}`,
      clock: this.clock,
      tls: options.tls,
      ...vrgServerHooks(),
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
    return this.system.replicationAddress;
  }

  /** netinfos type 0 now (modmngnet changes it). */
  get managementNetwork(): { ip: string; port: number; netmask: string; gateway: string } {
    return this.system.managementNetwork;
  }

  /** Every modmngnet accepted, oldest first. */
  get managementChanges(): Array<{ ip: string; netmask: string; gateway: string; at: number }> {
    return this.system.managementChanges;
  }

  // ---- counters -----------------------------------------------------------------------------

  get counters(): VrgCounters {
    return {
      ...this.sessions.counters,
      liveTokens: this.liveTokens,
      strategiesSet: this.vmstrategy.setCount,
      deletesAccepted: this.vmstrategy.deletesAccepted,
      pairingsStarted: this.vrgmap.started,
      mngNetChanges: this.system.managementChanges.length,
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
    this.vmstrategy.addVm(vm);
  }

  removeVm(uuid: string): boolean {
    return this.vmstrategy.removeVm(uuid);
  }

  // ---- fault and drift hooks ----------------------------------------------------------------

  /** Every live token times out now (next call → 10440102). Returns how many. */
  expireAllTokens(): number {
    return this.sessions.expireAll();
  }

  lockState(user = this.session.defaultUser): LockState {
    return this.sessions.lockState(user);
  }

  /** Clears wrong-password counts and locks (of one user or all). */
  resetLockout(user?: string): void {
    this.sessions.resetLock(user);
  }

  /** Locks a user now, as three wrong passwords would. */
  lockAccount(user = this.session.defaultUser, ms?: number): void {
    this.sessions.lock(user, ms);
  }

  /** The next logout answers 10440205 (the token stays valid). */
  failNextLogout(): void {
    this.session.failNextLogout();
  }

  /** The next POST vrgmap ends in status 3 (failed) after pairingMs. */
  failNextPairing(): void {
    this.vrgmap.failNext();
  }

  /** The current normal pairing shows 5 (link broken) from now on, on both sides. */
  breakLink(): void {
    this.vrgmap.breakLink();
  }

  /** Pairs with `peer` at once (status 1 now, no HTTP), as if a POST vrgmap had completed. */
  pairWith(peer: VrgSim): void {
    this.vrgmap.pairWith(peer);
  }

  /** Undoes breakLink(). */
  restoreLink(): void {
    this.vrgmap.restoreLink();
  }

  /**
   * A DR volume's volStatus becomes `status` (2 path error, 3 type error, 4 used by another VRG,
   * 6 delete failed; 1 restores): when its "setting" phase ends if it is still setting, otherwise
   * at once. For a volume not configured yet, it applies when it is configured.
   */
  failVolume(vmUuid: string, volUuid: string, status: VolStatus): void {
    this.vmstrategy.failVolume(vmUuid, volUuid, status);
  }

  /** The next normal (delFlag 1) delete of this VM fails: volumes show 6 and the strategy stays. Force (2) gets past it. */
  failNextDelete(vmUuid: string, opts: { sticky?: boolean } = {}): void {
    this.vmstrategy.failNextDelete(vmUuid, opts);
  }

  /** Marks a VM as disconnected from its writeagent (listed by faultVms=1, §3.8.3). */
  setVmFault(vmUuid: string, fault: boolean): void {
    this.vmstrategy.setVmFault(vmUuid, fault);
  }

  /** Overrides the DR status of a VM (undefined: back to the clock model 3 → 1). */
  setDrStatus(vmUuid: string, status: DrStatus | undefined): void {
    this.vmstrategy.setDrStatus(vmUuid, status);
  }

  setVrgStatus(patch: Partial<VrgStatusInfo>): void {
    this.system.setVrgStatus(patch);
  }

  /** GET netinfos answers 10440305 while true. */
  setEth0Missing(missing: boolean): void {
    this.system.setEth0Missing(missing);
  }

  /** Out-of-band removal of a strategy (someone deleted it on the VRG). Returns whether it existed. */
  removeStrategy(vmUuid: string): boolean {
    return this.vmstrategy.remove(vmUuid);
  }

  /**
   * Adds a framework fault answering 400 `{errorCode: code}` (any seed code) on a route key such
   * as "POST /vrgservice/vmstrategy". Default once.
   */
  injectError(route: string, code: string, opts: Omit<FaultSpec, "route" | "status" | "body"> = {}): Fault {
    return injectVrgError(this.server, route, code, opts);
  }

  // ---- reads for assertions -----------------------------------------------------------------

  strategies(): VrgStrategyView[] {
    return this.vmstrategy.views();
  }

  strategy(vmUuid: string): VrgStrategyView | undefined {
    return this.vmstrategy.view(vmUuid);
  }

  pairing(): PairingView {
    return this.vrgmap.view();
  }

  get trapInfo(): { ip: string; port: number } | undefined {
    return this.trapinfo.info;
  }

  // ---- the API, as routes.ts answers it -----------------------------------------------------

  /** Applies due deletions (removal, or volStatus 6 for a failed normal delete). */
  settle(): void {
    this.vmstrategy.settle();
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
    return this.session.login(user, key);
  }

  logout(token: VrgToken): void {
    this.session.logout(token);
  }

  versions(): unknown {
    return this.session.versions();
  }

  loginBody(): { validity: number; uuid: string } {
    return this.session.loginBody();
  }

  setTrap(body: Record<string, unknown>): void {
    this.trapinfo.set(body);
  }

  getTrap(): { ip: string; port: number } {
    return this.trapinfo.get();
  }

  statusBody(): unknown {
    return this.system.statusBody();
  }

  netInfosBody(): unknown {
    return this.system.netInfosBody();
  }

  vmDrStatus(vmUuid: string): { status: DrStatus } {
    return this.vmstrategy.vmDrStatus(vmUuid);
  }

  changeManagementNet(body: Record<string, unknown>): unknown {
    return this.system.changeManagementNet(body);
  }

  addPairing(body: Record<string, unknown>): void {
    this.vrgmap.add(body);
  }

  deletePairing(): void {
    this.vrgmap.remove();
  }

  pairingBody(): unknown {
    return this.vrgmap.body();
  }

  /** POST vmstrategy: validates (§3.8.1 or §3.8.2 by role) and stores. */
  setStrategy(body: Record<string, unknown>): void {
    this.vmstrategy.set(body);
  }

  /** GET vmstrategy with the §3.8.3 query rules. */
  queryStrategies(query: URLSearchParams): unknown {
    return this.vmstrategy.query(query);
  }

  /** POST vmstrategy/<vmUuid>: accepts a delete, answers the pre-deletion drStatus (§3.8.4). */
  deleteStrategy(vmUuid: string, body: Record<string, unknown>): { drStatus: DrStatus } {
    return this.vmstrategy.delete(vmUuid, body);
  }

  // ---- internals ----------------------------------------------------------------------------

  private attachToFabric(): void {
    if (!this.server.running) return;
    const port = this.server.port;
    const rep = this.replicationAddress;
    const mgmt = this.managementNetwork.ip;
    this.fabric.attach(this, [`127.0.0.1:${port}`, `${mgmt}:${port}`, `${rep.ip}:${rep.port}`]);
  }
}
