/**
 * OvirtEngine: one simulated oVirt/RHEV engine on loopback (a SimServer with every route of
 * this directory), plus the test controls: reads of the engine's state, out-of-band changes
 * that produce drift (what an administrator does in the web UI), behaviour switches and fault
 * helpers. Every read and control settles the clock first.
 */
import { SimServer, type Fault } from "../framework";
import { installSsoRoutes } from "./auth";
import { installCdromRoutes } from "./cdroms";
import { installDiskRoutes } from "./disks";
import { OvirtState } from "./engine-state";
import { MSG } from "./errors";
import { installEventRoutes } from "./events";
import { installHostRoutes } from "./hosts";
import { installInventoryRoutes } from "./inventory";
import { installJobRoutes } from "./jobs";
import type { OvirtEngineOptions, OvirtMode } from "./modes";
import type { DiskRecord, HostRecord, JobRecord, StorageDomainRecord, VmConfig, VmRecord } from "./models";
import { installNicRoutes } from "./nics";
import { injectedFaultBody, OvirtRouter } from "./router";
import { addPendingHost } from "./seed";
import { deactivateDomain, installStorageDomainRoutes } from "./storage-domains";
import { goDown, installVmPowerRoutes, stopVm } from "./vm-power";
import { installVmRoutes } from "./vms";

export interface OvirtCounters {
  ssoLogins: number;
  basicLogins: number;
  failedLogins: number;
  tokensRevoked: number;
  tokensExpired: number;
  sessionsCreated: number;
  sessionsClosed: number;
  sessionsExpired: number;
  liveTokens: number;
  liveSessions: number;
}

export class OvirtEngine {
  readonly state: OvirtState;
  readonly server: SimServer;

  constructor(options: OvirtEngineOptions = {}) {
    this.state = new OvirtState(options);
    const router = new OvirtRouter(this.state);
    installInventoryRoutes(router);
    installVmRoutes(router);
    installVmPowerRoutes(router);
    installDiskRoutes(router);
    installNicRoutes(router);
    installCdromRoutes(router);
    installStorageDomainRoutes(router);
    installHostRoutes(router);
    installEventRoutes(router);
    installJobRoutes(router);
    this.server = new SimServer({
      name: options.name ?? `ovirt ${this.state.mode}`,
      clock: this.state.clock,
      tls: options.tls,
      notFound: (req, { allowedMethods }) => router.notFound(req, allowedMethods),
      faultBody: (status, req) => injectedFaultBody(status, req, this.state.info.defaultDialect),
      redactHeader: (name) => name === "session-ttl",
    });
    installSsoRoutes(this.server, this.state.auth, () => this.state.info.sso);
    router.install(this.server);
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  get mode(): OvirtMode {
    return this.state.mode;
  }

  /** The API entry point a client should be given ("http://127.0.0.1:PORT/ovirt-engine/api"). */
  get apiUrl(): string {
    return `${this.server.url}/ovirt-engine/api`;
  }

  // ---- reads (snapshots; settle first) -----------------------------------------------------

  private settled(): OvirtState {
    this.state.settle();
    return this.state;
  }

  vm(nameOrId: string): VmRecord | undefined {
    const s = this.settled();
    const vm = s.vms.get(nameOrId) ?? s.vmByName(nameOrId);
    return vm && structuredClone(vm);
  }

  vms(): VmRecord[] {
    return [...this.settled().vms.values()].map((v) => structuredClone(v));
  }

  /** The disks attached to a VM (with their attachment flags). */
  vmDisks(vmNameOrId: string): Array<DiskRecord & { bootable: boolean; interface: string; active: boolean }> {
    const s = this.settled();
    const vm = this.live(vmNameOrId);
    return s.attachmentsOf(vm.id).map((a) => ({
      ...structuredClone(s.disks.get(a.diskId)!),
      bootable: a.bootable,
      interface: a.interface,
      active: a.active,
    }));
  }

  disk(aliasOrId: string): DiskRecord | undefined {
    const s = this.settled();
    const d = s.byIdOrName(s.disks, aliasOrId, (x) => x.alias);
    return d && structuredClone(d);
  }

  disks(): DiskRecord[] {
    return [...this.settled().disks.values()].map((d) => structuredClone(d));
  }

  domain(nameOrId: string): StorageDomainRecord | undefined {
    const s = this.settled();
    const d = s.byIdOrName(s.domains, nameOrId, (x) => x.name);
    return d && structuredClone(d);
  }

  host(nameOrId: string): HostRecord | undefined {
    const s = this.settled();
    const h = s.byIdOrName(s.hosts, nameOrId, (x) => x.name);
    return h && structuredClone(h);
  }

  events(): ReturnType<OvirtState["event"]>[] {
    return this.settled().events.map((e) => ({ ...e }));
  }

  jobs(correlationId?: string): JobRecord[] {
    return [...this.settled().jobs.values()]
      .filter((j) => correlationId === undefined || j.correlationId === correlationId)
      .map((j) => ({ ...j }));
  }

  get counters(): OvirtCounters {
    const auth = this.state.auth;
    return { ...auth.counters, liveTokens: auth.liveTokens(), liveSessions: auth.liveSessions() };
  }

  // ---- out-of-band changes (drift; no validation, as an administrator in the UI) ----------------

  private live(nameOrId: string): VmRecord {
    const s = this.settled();
    const vm = s.vms.get(nameOrId) ?? s.vmByName(nameOrId);
    if (!vm) throw new Error(`no VM ${nameOrId}`);
    return vm;
  }

  renameVm(nameOrId: string, newName: string): void {
    const vm = this.live(nameOrId);
    vm.config.name = newName;
    if (vm.nextRun) vm.nextRun.name = newName;
  }

  setVmMemory(nameOrId: string, bytes: number): void {
    this.setVmConfig(nameOrId, {
      memory: bytes,
      memoryGuaranteed: Math.min(bytes, this.live(nameOrId).config.memoryGuaranteed),
    });
  }

  /** Changes the current configuration directly (not the next-run one). */
  setVmConfig(nameOrId: string, patch: Partial<VmConfig>): void {
    const vm = this.live(nameOrId);
    vm.config = { ...vm.config, ...structuredClone(patch) };
  }

  /** Detaches and destroys a disk behind the client's back. */
  removeDisk(aliasOrId: string): void {
    const s = this.settled();
    const d = s.byIdOrName(s.disks, aliasOrId, (x) => x.alias);
    if (!d) throw new Error(`no disk ${aliasOrId}`);
    s.attachments = s.attachments.filter((a) => a.diskId !== d.id);
    s.disks.delete(d.id);
  }

  /** The VM goes down without the client asking (a crash or an admin's power-off). */
  powerOffVm(nameOrId: string): void {
    const vm = this.live(nameOrId);
    goDown(this.state, vm, this.state.now());
  }

  /** Starts a hard stop as if requested (the VM passes through powering_down). */
  stopVmOutOfBand(nameOrId: string): void {
    stopVm(this.state, this.live(nameOrId));
  }

  /** An active domain goes to maintenance (preparing_for_maintenance first, domainOpMs). */
  domainToMaintenance(nameOrId: string): void {
    const s = this.settled();
    const d = s.byIdOrName(s.domains, nameOrId, (x) => x.name);
    if (!d) throw new Error(`no storage domain ${nameOrId}`);
    deactivateDomain(s, d);
  }

  /** A domain is detached from its data center at once (back to unattached). */
  detachDomain(nameOrId: string): void {
    const s = this.settled();
    const d = s.byIdOrName(s.domains, nameOrId, (x) => x.name);
    if (!d) throw new Error(`no storage domain ${nameOrId}`);
    s.scheduler.cancel(`sd:${d.id}:op`);
    d.status = "unattached";
    d.dataCenterId = undefined;
    d.master = false;
  }

  // ---- behaviour switches ------------------------------------------------------------------

  setAcpiIgnored(vmNameOrId: string, ignored: boolean): void {
    this.live(vmNameOrId).acpiIgnored = ignored;
  }

  setGuestAgent(vmNameOrId: string, present: boolean): void {
    this.live(vmNameOrId).guestAgent = present;
  }

  /** The next `n` disks to settle end `illegal`. */
  failNextDisk(n = 1): void {
    this.state.illegalDisksArmed += n;
  }

  /** The next `n` host approvals end `install_failed`. */
  failNextHostInstall(n = 1): void {
    this.state.hostInstallFailuresArmed += n;
  }

  addPendingHost(name: string, address?: string): string {
    return addPendingHost(this.state, name, address);
  }

  /** A second data center (no clusters, no domains: `uninitialized` until a data domain is active in it). */
  addDataCenter(name: string, description = ""): string {
    const s = this.settled();
    const id = s.newId();
    const version = { major: s.info.version.major, minor: s.info.version.minor };
    s.dataCenters.set(id, { id, name, description, storageType: "nfs", local: false, version });
    return id;
  }

  addIsoFile(domainNameOrId: string, file: string): void {
    const s = this.settled();
    const d = s.byIdOrName(s.domains, domainNameOrId, (x) => x.name);
    if (!d) throw new Error(`no storage domain ${domainNameOrId}`);
    d.files.push(file);
  }

  // ---- auth and faults --------------------------------------------------------------------

  expireTokens(): void {
    this.state.auth.expireAllTokens();
  }

  /** Tokens expire after `n` more Bearer requests: "token expiry mid-operation". */
  expireTokensAfter(n: number): void {
    this.state.auth.expireTokensAfter(n);
  }

  expireSessions(): void {
    this.state.auth.expireAllSessions();
  }

  /**
   * A transient 409 on `route` (a route key, e.g. "POST /ovirt-engine/api/vms/:id/start"):
   * "in-progress" → "Related operation is currently in progress", "locked" → the VM-locked text.
   * Through the framework's FaultInjector (`times` failures, after `after` passes).
   */
  injectConflict(route: string, kind: "in-progress" | "locked" = "in-progress", times = 1, after = 0): Fault {
    if (kind === "in-progress") return this.server.faults.add({ route, status: 409, times, after });
    const isAction = /\/(start|stop|shutdown|reboot|suspend)$/.test(route);
    const verb = /\/start$/.test(route) ? "run" : (route.split("/").pop() ?? "edit");
    const detail = `[${verb === "run" ? MSG.vmLockedRun : MSG.vmLocked(isAction ? verb : "edit")}]`;
    const fault = { reason: "Operation Failed", detail };
    const v3 = this.state.info.defaultDialect === "v3";
    const body = isAction ? { status: v3 ? { state: "failed" } : "failed", fault } : fault;
    return this.server.faults.add({ route, status: 409, body, times, after });
  }
}
