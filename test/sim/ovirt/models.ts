/**
 * The records the oVirt/RHEV engine simulator keeps: one interface per API object, in the
 * engine's own terms (memory in bytes, lower-case enum values as the v4 model spells them).
 * The wire shapes of each dialect are in codec-v4.ts / codec-v3.ts; nothing here knows HTTP.
 */

/** API dialect of one request: v4 (oVirt 4.x) or v3 (RHEV 3.6, or oVirt 4.0–4.3 at /v3). */
export type Dialect = "v3" | "v4";

/** Reference §1.6 (model types/VmStatus.java); the sim uses the ones listed here. */
export type VmStatus =
  | "down"
  | "image_locked"
  | "wait_for_launch"
  | "powering_up"
  | "up"
  | "powering_down"
  | "reboot_in_progress"
  | "saving_state"
  | "suspended"
  | "restoring_state"
  | "unknown";

/** Statuses in which the VM occupies a host ("running" for start/delete validation). */
export const RUNNING_STATUSES: ReadonlySet<VmStatus> = new Set<VmStatus>([
  "wait_for_launch",
  "powering_up",
  "up",
  "powering_down",
  "reboot_in_progress",
  "saving_state",
  "restoring_state",
]);

/** The configuration part of a VM: what `PUT /vms/{id}` changes and `?next_run=true` shows. */
export interface VmConfig {
  name: string;
  description: string;
  comment: string;
  clusterId: string;
  /** Bytes. */
  memory: number;
  memoryGuaranteed: number;
  memoryMax: number;
  sockets: number;
  cores: number;
  threads: number;
  osType: string;
  bootDevices: string[];
  haEnabled: boolean;
  haPriority: number;
  deleteProtected: boolean;
  stateless: boolean;
  type: string;
  /** The persisted `initialization` (cloud-init), as sent (root_password kept, read back masked). */
  initialization?: Record<string, unknown>;
}

/** What the guest saw at one boot (for assertions: `engine.vm(x).boots`). */
export interface GuestBoot {
  /** 1 for the first boot. */
  index: number;
  at: number;
  bootDevices: string[];
  /** ISO in the CD drive at this boot ("" = empty). */
  cdrom: string;
  /** The initialization the guest received this boot, if any. */
  initialization?: Record<string, unknown>;
  /** "persisted": the VM's own initialization at its first boot; "run_once": start parameters. */
  initializationSource?: "persisted" | "run_once";
  memory: number;
  sockets: number;
  cores: number;
}

export interface VmRecord {
  id: string;
  config: VmConfig;
  /** Pending configuration (next_run snapshot), applied when the VM next goes down. */
  nextRun?: VmConfig;
  status: VmStatus;
  templateId: string;
  /** Created with clone=true: its disks do not depend on the template. */
  cloned: boolean;
  creationTime: number;
  /** Set while running. */
  hostId?: string;
  isInitialized: boolean;
  /** True while running with run-once parameters. */
  runOnce: boolean;
  /** Persisted CD (file id, "" = empty); applies from the next boot. */
  cdrom: string;
  /** What is in the drive of the running VM (changed with current=true); undefined when down. */
  cdromCurrent?: string;
  /** Guest agent installed: reports IPs `guestAgentMs` after up. */
  guestAgent: boolean;
  /** Clock time from which the agent reports IPs (while running). */
  ipsAt?: number;
  acpiIgnored: boolean;
  boots: GuestBoot[];
  /** DELETE accepted; gone at `removeMs`. */
  removing: boolean;
  /** Boot override for the current run (run-once). */
  runBootDevices?: string[];
}

export type DiskStatus = "locked" | "ok" | "illegal";

export interface DiskRecord {
  id: string;
  alias: string;
  description: string;
  /** Bytes. */
  provisionedSize: number;
  actualSize: number;
  format: "cow" | "raw";
  sparse: boolean;
  status: DiskStatus;
  storageDomainId: string;
  shareable: boolean;
  /** Seed 2.16 sends type "system"; kept and echoed. */
  type?: string;
  creationTime: number;
}

/** A disk attached to a VM (v4 disk attachment; v3 shows these fields on the VM's disk). */
export interface AttachmentRecord {
  vmId: string;
  diskId: string;
  bootable: boolean;
  interface: string;
  active: boolean;
}

export interface NicRecord {
  id: string;
  vmId: string;
  name: string;
  interface: string;
  vnicProfileId?: string;
  networkId?: string;
  mac: string;
  linked: boolean;
  plugged: boolean;
}

export type StorageDomainStatus =
  "unattached" | "locked" | "maintenance" | "active" | "preparing_for_maintenance" | "activating";

export interface StorageDomainRecord {
  id: string;
  name: string;
  description?: string;
  comment?: string;
  type: "data" | "iso" | "export";
  storageType: string;
  address: string;
  path: string;
  storageFormat: string;
  hostId: string;
  dataCenterId?: string;
  status: StorageDomainStatus;
  master: boolean;
  availableBytes: number;
  usedBytes: number;
  /** ISO domain content (seed 2.7, 2.17: a file's id and name are the same). */
  files: string[];
}

export type HostStatus =
  | "pending_approval"
  | "installing"
  | "install_failed"
  | "up"
  | "preparing_for_maintenance"
  | "maintenance"
  | "non_operational";

export interface HostRecord {
  id: string;
  name: string;
  address: string;
  clusterId: string;
  status: HostStatus;
}

export interface DataCenterRecord {
  id: string;
  name: string;
  description: string;
  storageType: string;
  local: boolean;
  version: { major: number; minor: number };
}

export interface ClusterRecord {
  id: string;
  name: string;
  dataCenterId: string;
  cpuType: string;
  version: { major: number; minor: number };
}

export interface NetworkRecord {
  id: string;
  name: string;
  description: string;
  dataCenterId: string;
  vmNetwork: boolean;
}

export interface VnicProfileRecord {
  id: string;
  name: string;
  networkId: string;
}

export interface TemplateDisk {
  alias: string;
  provisionedSize: number;
  format: "cow" | "raw";
  sparse: boolean;
  bootable: boolean;
  interface: string;
}

export interface TemplateRecord {
  id: string;
  name: string;
  description: string;
  memory: number;
  osType: string;
  disks: TemplateDisk[];
}

export interface EventRecord {
  id: number;
  code: number;
  severity: "normal" | "warning" | "error" | "alert";
  description: string;
  time: number;
  correlationId?: string;
  vmId?: string;
  hostId?: string;
  storageDomainId?: string;
  dataCenterId?: string;
  clusterId?: string;
}

export interface JobRecord {
  id: string;
  description: string;
  status: "started" | "finished" | "failed";
  startTime: number;
  endTime?: number;
  lastUpdated: number;
  correlationId: string;
  owner: string;
}

/** The zero GUID: the Blank template (reference §1.4) and the single CD-ROM device (§1.10). */
export const ZERO_GUID = "00000000-0000-0000-0000-000000000000";
