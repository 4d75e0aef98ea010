/**
 * The engine's state: every record by id, the clock-driven scheduler, events and jobs, and the
 * lookups and helpers the per-object route files share. One OvirtState per simulated engine.
 */
import { randomUUID } from "node:crypto";
import { systemClock, type Clock } from "../../../provider/core/clock";
import { AuthStore } from "./auth";
import { NotFound } from "./errors";
import {
  DEFAULT_TIMINGS,
  MODES,
  type ModeInfo,
  type OvirtEngineOptions,
  type OvirtMode,
  type OvirtTimings,
} from "./modes";
import type {
  AttachmentRecord,
  ClusterRecord,
  DataCenterRecord,
  DiskRecord,
  EventRecord,
  HostRecord,
  JobRecord,
  NetworkRecord,
  NicRecord,
  StorageDomainRecord,
  TemplateRecord,
  VmRecord,
  VnicProfileRecord,
} from "./models";
import { Scheduler } from "./scheduler";
import { seedInventory } from "./seed";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OvirtState {
  readonly mode: OvirtMode;
  readonly info: ModeInfo;
  readonly clock: Clock;
  readonly timings: OvirtTimings;
  readonly scheduler: Scheduler;
  readonly auth: AuthStore;

  readonly vms = new Map<string, VmRecord>();
  readonly disks = new Map<string, DiskRecord>();
  attachments: AttachmentRecord[] = [];
  readonly nics = new Map<string, NicRecord>();
  readonly domains = new Map<string, StorageDomainRecord>();
  readonly hosts = new Map<string, HostRecord>();
  readonly dataCenters = new Map<string, DataCenterRecord>();
  readonly clusters = new Map<string, ClusterRecord>();
  readonly networks = new Map<string, NetworkRecord>();
  readonly vnicProfiles = new Map<string, VnicProfileRecord>();
  readonly templates = new Map<string, TemplateRecord>();
  readonly events: EventRecord[] = [];
  readonly jobs = new Map<string, JobRecord>();

  /** Disks still to end `illegal` (failNextDisk). */
  illegalDisksArmed = 0;
  /** Host installs still to fail (failNextHostInstall). */
  hostInstallFailuresArmed = 0;
  /** NFS exports that hold an unformatted domain (remove without format). */
  readonly usedExports = new Set<string>();
  private nextEventId = 1;
  private nextMac = 0x51;

  constructor(readonly options: OvirtEngineOptions) {
    this.mode = options.mode ?? "ovirt-4.4";
    this.info = MODES[this.mode];
    this.clock = options.clock ?? systemClock;
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.scheduler = new Scheduler(this.clock);
    this.auth = new AuthStore(
      this.clock,
      options.users ?? { "admin@internal": "engine-pass" },
      options.tokenTtlMs ?? 30 * 60_000,
      options.sessionTtlMs ?? 30 * 60_000,
      (user) => this.event(30, "normal", `User ${user} logged in.`, {}),
    );
    seedInventory(this, options.seed ?? {});
  }

  now(): number {
    return this.clock.now();
  }

  /** Runs every due state change (see scheduler.ts). */
  settle(): void {
    this.scheduler.settle();
  }

  newId(): string {
    return randomUUID();
  }

  /** MACs from the engine's default pool 00:1a:4a:16:01:51–00:1a:4a:16:01:e6. */
  newMac(): string {
    const n = this.nextMac++;
    const hi = 0x01 + Math.floor(n / 256);
    return `00:1a:4a:16:${hi.toString(16).padStart(2, "0")}:${(n % 256).toString(16).padStart(2, "0")}`;
  }

  productVersion(): { major: number; minor: number; build: number; revision: number; full: string } {
    const override = this.options.productVersion;
    if (override) {
      const [major = 0, minor = 0, build = 0, revision = 0] = override.split(".").map(Number);
      return { major, minor, build, revision, full: override };
    }
    const v = this.info.version;
    return { ...v, full: `${v.major}.${v.minor}.${v.build}.${v.revision}` };
  }

  // ---- events and jobs ------------------------------------------------------------------------

  event(
    code: number,
    severity: EventRecord["severity"],
    description: string,
    refs: Partial<Pick<EventRecord, "vmId" | "hostId" | "storageDomainId" | "dataCenterId" | "clusterId">>,
    correlationId?: string,
    at = this.now(),
  ): EventRecord {
    const e: EventRecord = { id: this.nextEventId++, code, severity, description, time: at, ...refs };
    if (correlationId) e.correlationId = correlationId;
    this.events.push(e);
    return e;
  }

  startJob(description: string, correlationId: string, owner: string): JobRecord {
    const now = this.now();
    const job: JobRecord = {
      id: this.newId(),
      description,
      status: "started",
      startTime: now,
      lastUpdated: now,
      correlationId,
      owner,
    };
    this.jobs.set(job.id, job);
    return job;
  }

  endJob(job: JobRecord | undefined, ok: boolean, at = this.now()): void {
    if (!job || job.status !== "started") return;
    job.status = ok ? "finished" : "failed";
    job.endTime = at;
    job.lastUpdated = at;
  }

  // ---- lookups (404 with an empty body for an unknown or non-GUID id) --------------------------

  static isGuid(id: string): boolean {
    return GUID.test(id);
  }

  private get<T>(map: Map<string, T>, id: string | undefined): T {
    const v = id !== undefined && OvirtState.isGuid(id) ? map.get(id) : undefined;
    if (!v) throw new NotFound();
    return v;
  }

  vm(id: string | undefined): VmRecord {
    return this.get(this.vms, id);
  }
  disk(id: string | undefined): DiskRecord {
    return this.get(this.disks, id);
  }
  nic(vmId: string, id: string | undefined): NicRecord {
    const nic = this.get(this.nics, id);
    if (nic.vmId !== vmId) throw new NotFound();
    return nic;
  }
  domain(id: string | undefined): StorageDomainRecord {
    return this.get(this.domains, id);
  }
  host(id: string | undefined): HostRecord {
    return this.get(this.hosts, id);
  }
  dataCenter(id: string | undefined): DataCenterRecord {
    return this.get(this.dataCenters, id);
  }
  cluster(id: string | undefined): ClusterRecord {
    return this.get(this.clusters, id);
  }
  template(id: string | undefined): TemplateRecord {
    return this.get(this.templates, id);
  }

  /** By id or exact name (test controls and `{name}` references). */
  byIdOrName<T extends { id: string }>(
    map: Map<string, T>,
    key: string,
    name: (t: T) => string,
  ): T | undefined {
    return map.get(key) ?? [...map.values()].find((t) => name(t) === key);
  }

  vmByName(name: string): VmRecord | undefined {
    return [...this.vms.values()].find((v) => v.config.name === name);
  }

  attachmentsOf(vmId: string): AttachmentRecord[] {
    return this.attachments.filter((a) => a.vmId === vmId);
  }

  nicsOf(vmId: string): NicRecord[] {
    return [...this.nics.values()].filter((n) => n.vmId === vmId);
  }

  /** The data center of a VM (through its cluster). */
  vmDataCenterId(vm: VmRecord): string | undefined {
    return this.clusters.get(vm.config.clusterId)?.dataCenterId;
  }

  /** Outcome of the next disk that settles: "illegal" when armed or in diskOutcome "illegal". */
  takeDiskOutcome(): "ok" | "illegal" {
    if (this.illegalDisksArmed > 0) {
      this.illegalDisksArmed -= 1;
      return "illegal";
    }
    return this.options.diskOutcome === "illegal" ? "illegal" : "ok";
  }
}
