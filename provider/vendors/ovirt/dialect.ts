/**
 * The one adapter for every difference between the v4 and v3 (RHEV 3.6) wire dialects
 * (reference §2 table): `status` vs `status.state` (VMs, disks, hosts, domains, action replies),
 * boot devices `os.boot.devices.device[]` vs `os.boot[].dev`, `/diskattachments` vs `/disks`,
 * the disk bodies, disk detach (v4 DELETE of the attachment, which keeps the disk; v3 DELETE with
 * `{"detach":"true"}`, without which the disk is destroyed), VM delete options (v4 query, v3
 * body), CD `?current=true` vs the matrix `;current`, pending-configuration reads and writes
 * (`?next_run=true` vs the matrix `;next_run=true`, UNCONFIRMED for v3) and guest IPs (`reporteddevices` vs
 * `guest_info`). Readers accept both shapes in both dialects; writers send the dialect's own.
 */
import { at, list, nested, obj, str, toWire, type Wire } from "./codec";

export type OvirtDialect = "v4" | "v3";

/** A request as the adapter shapes it: a path below the API base, query, body. */
export interface Shaped {
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface NewDiskWire {
  name: string;
  storageDomainId: string;
  sizeBytes: number;
  format: "cow" | "raw";
  sparse: boolean;
  interface: string;
  bootable: boolean;
}

/** One disk of a VM as the dialect lists it: the attachment (v4) and the disk (v3: the same object). */
export interface VmDiskWire {
  attachment?: Wire;
  disk: Wire;
}

/** The status of an entity or an action reply: `"down"` (v4) or `{"state":"down"}` (v3). */
export function statusOf(entity: unknown): string | undefined {
  const s = at(entity, "status");
  return str(s) ?? str(at(s, "state"));
}

/** Boot devices in either shape. */
export function bootDevicesOf(vm: unknown): string[] {
  const boot = at(vm, "os", "boot");
  if (Array.isArray(boot)) return boot.map((b) => str(at(b, "dev"))).filter((d): d is string => !!d);
  const single = str(at(boot, "dev"));
  if (single) return [single];
  const devices = at(boot, "devices", "device");
  if (Array.isArray(devices)) return devices.map(str).filter((d): d is string => !!d);
  const one = str(devices);
  return one ? [one] : [];
}

/** Guest IP addresses: v3 `guest_info.ips.ip[]` on the VM, v4 reported devices' `ips.ip[]`. */
export function guestIpsOf(vm: unknown, reportedDevices: Wire[] = []): string[] {
  const fromVm = nested(at(vm, "guest_info"), "ips", "ip").map((ip) => str(ip.address));
  const fromDevices = reportedDevices.flatMap((d) => nested(d, "ips", "ip").map((ip) => str(ip.address)));
  return [...new Set([...fromVm, ...fromDevices].filter((a): a is string => !!a))];
}

/** The v4 and v3 request shapes. */
export interface DialectAdapter {
  readonly dialect: OvirtDialect;
  /** `os.boot` for a write. */
  bootWire(devices: readonly string[]): unknown;
  /** The collection of a VM's disks. */
  disksPath(vmId: string): string;
  /** The VM's disks from a GET of `disksPath`. */
  vmDisks(body: unknown): VmDiskWire[];
  /** The POST that creates and attaches a new disk. */
  newDisk(vmId: string, disk: NewDiskWire): Shaped;
  /** The PUT that changes a disk's interface, bootable flag or size. */
  updateDisk(
    vmId: string,
    ids: { attachmentId?: string; diskId: string },
    change: { interface?: string; bootable?: boolean; sizeBytes?: number },
  ): Shaped;
  /** The DELETE that detaches a disk; `destroy` also deletes the image (v4 needs a second DELETE /disks/{id}). */
  detachDisk(vmId: string, ids: { attachmentId?: string; diskId: string }, destroy: boolean): Shaped[];
  /** The VM DELETE. */
  removeVm(vmId: string, opts: { force?: boolean; detachOnly?: boolean }): Shaped;
  /** The CD-ROM write: `current` changes the running VM only. */
  cdrom(vmId: string, cdromId: string, current: boolean): Shaped;
  /** The read (or write) of a VM's pending configuration. */
  nextRun(path: string): Shaped;
  /** True when guest IPs come from `/vms/{id}/reporteddevices` (v4), not from the VM (v3). */
  readonly ipsFromReportedDevices: boolean;
}

const V4: DialectAdapter = {
  dialect: "v4",
  bootWire: (devices) => ({ devices: { device: [...devices] } }),
  disksPath: (vmId) => `/vms/${vmId}/diskattachments`,
  vmDisks: (body) => list(body, "disk_attachment").map((a) => ({ attachment: a, disk: obj(a.disk) ?? {} })),
  newDisk: (vmId, d) => ({
    path: `/vms/${vmId}/diskattachments`,
    body: toWire({
      bootable: d.bootable,
      interface: d.interface,
      active: true,
      disk: {
        name: d.name,
        format: d.format,
        sparse: d.sparse,
        provisioned_size: d.sizeBytes,
        storage_domains: { storage_domain: [{ id: d.storageDomainId }] },
      },
    }),
  }),
  updateDisk: (vmId, ids, c) => ({
    path: `/vms/${vmId}/diskattachments/${ids.attachmentId ?? ids.diskId}`,
    body: toWire({
      interface: c.interface,
      bootable: c.bootable,
      ...(c.sizeBytes !== undefined ? { disk: { provisioned_size: c.sizeBytes } } : {}),
    }),
  }),
  detachDisk: (vmId, ids, destroy) => [
    {
      path: `/vms/${vmId}/diskattachments/${ids.attachmentId ?? ids.diskId}`,
      query: { detach_only: "true" },
    },
    ...(destroy ? [{ path: `/disks/${ids.diskId}` }] : []),
  ],
  removeVm: (vmId, o) => ({
    path: `/vms/${vmId}`,
    query: {
      ...(o.force ? { force: "true" } : {}),
      ...(o.detachOnly ? { detach_only: "true" } : {}),
    },
  }),
  cdrom: (vmId, cdromId, current) => ({
    path: `/vms/${vmId}/cdroms/${cdromId}`,
    ...(current ? { query: { current: "true" } } : {}),
  }),
  nextRun: (path) => ({ path, query: { next_run: "true" } }),
  ipsFromReportedDevices: true,
};

const V3: DialectAdapter = {
  dialect: "v3",
  bootWire: (devices) => devices.map((dev) => ({ dev })),
  disksPath: (vmId) => `/vms/${vmId}/disks`,
  vmDisks: (body) => list(body, "disk").map((d) => ({ disk: d })),
  newDisk: (vmId, d) => ({
    path: `/vms/${vmId}/disks`,
    body: toWire({
      alias: d.name,
      name: d.name,
      provisioned_size: d.sizeBytes,
      interface: d.interface,
      format: d.format,
      sparse: d.sparse,
      bootable: d.bootable,
      storage_domains: { storage_domain: [{ id: d.storageDomainId }] },
    }),
  }),
  updateDisk: (vmId, ids, c) => ({
    path: `/vms/${vmId}/disks/${ids.diskId}`,
    body: toWire({ interface: c.interface, bootable: c.bootable, provisioned_size: c.sizeBytes }),
  }),
  // Seed 2.18: disk.delete(action=params.Action(detach=True)); without the body the disk is destroyed.
  detachDisk: (vmId, ids, destroy) => [
    { path: `/vms/${vmId}/disks/${ids.diskId}`, ...(destroy ? {} : { body: { detach: "true" } }) },
  ],
  removeVm: (vmId, o) => ({
    path: `/vms/${vmId}`,
    ...(o.force || o.detachOnly
      ? {
          body: {
            ...(o.force ? { force: "true" } : {}),
            ...(o.detachOnly ? { vm: { disks: { detach_only: "true" } } } : {}),
          },
        }
      : {}),
  }),
  cdrom: (vmId, cdromId, current) => ({ path: `/vms/${vmId}/cdroms/${cdromId}${current ? ";current" : ""}` }),
  nextRun: (path) => ({ path: `${path};next_run=true` }),
  ipsFromReportedDevices: false,
};

export function adapterFor(dialect: OvirtDialect): DialectAdapter {
  return dialect === "v4" ? V4 : V3;
}
