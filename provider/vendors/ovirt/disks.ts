/**
 * A VM's disks (seed 2.16, 2.18; reference §1.8, §2): listing them in either dialect (v4
 * attachments + `GET /disks/{id}`, v3 `/vms/{id}/disks`), reconciling them both ways with the
 * declared disks (matched by name: missing ones created, grown or re-plugged ones updated,
 * undeclared ones detached; disks from the template adopted, never detached), and waiting for
 * each new or grown disk until `ok` (`illegal` fails, naming the disk). A detached disk's image is
 * destroyed only when drplane declared that disk before and `detachOnlyDisks` is not set.
 */
import { InputError } from "../../core/errors";
import { poll } from "../../core/poll";
import { createOnce } from "../../core/retry";
import { bool, bytesToGiB, GIB, nested, num, obj, ref, str, ZERO_ID, type Wire } from "./codec";
import { statusOf } from "./dialect";
import { resolveStorageDomain } from "./resolve";
import type { DiskRecord, DiskSpec, VmOp } from "./vm-types";

function diskPath(op: VmOp, vmId: string, diskId: string): string {
  return op.adapter.dialect === "v4" ? `/disks/${diskId}` : `/vms/${vmId}/disks/${diskId}`;
}

/**
 * How to recognise the disks a VM got from its template: a disk named like one of the template's
 * disks (engines that keep the template disk's alias), or, on a VM based on a template other than
 * Blank, a disk named "<vm>_Disk<n>" (engines that name the copies after the VM; UNCONFIRMED which
 * engine versions do which, so both are accepted; such a disk is adopted, never detached).
 */
export interface TemplateDisks {
  names: ReadonlySet<string>;
  /** Set when the VM is based on a template other than Blank. */
  vmName?: string;
}

export const NO_TEMPLATE_DISKS: TemplateDisks = { names: new Set() };

function isTemplateDisk(name: string, t: TemplateDisks): boolean {
  if (t.names.has(name)) return true;
  if (!t.vmName) return false;
  const prefix = `${t.vmName}_Disk`;
  return name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length));
}

function diskRecord(disk: Wire, attachment: Wire | undefined, templateDisks: TemplateDisks): DiskRecord {
  const name = str(disk.name) ?? str(disk.alias) ?? "";
  const storageDomain = nested(disk, "storage_domains", "storage_domain")[0];
  const iface = str(attachment?.interface) ?? str(disk.interface);
  const bootable = bool(attachment?.bootable) ?? bool(disk.bootable);
  const format = str(disk.format);
  const sparse = bool(disk.sparse);
  return {
    id: str(disk.id) ?? ref(attachment?.disk).id ?? "",
    ...(attachment && str(attachment.id) ? { attachmentId: str(attachment.id) } : {}),
    name,
    ...(storageDomain && str(storageDomain.id) ? { storageDomain: str(storageDomain.id) } : {}),
    sizeGiB: bytesToGiB(num(disk.provisioned_size) ?? num(disk.size)) ?? 0,
    ...(format ? { format } : {}),
    ...(sparse !== undefined ? { sparse } : {}),
    ...(iface ? { interface: iface } : {}),
    ...(bootable !== undefined ? { bootable } : {}),
    status: statusOf(disk) ?? "unknown",
    ...(isTemplateDisk(name, templateDisks) ? { fromTemplate: true } : {}),
  };
}

/** How to recognise the template's disks on a VM named `vmName` (nothing for Blank). */
export async function templateDisksOf(
  op: VmOp,
  templateId: string | undefined,
  vmName: string,
): Promise<TemplateDisks> {
  if (!templateId || templateId === ZERO_ID) return NO_TEMPLATE_DISKS;
  return { names: await templateDiskNames(op, templateId), vmName };
}

/** The names of a template's disks (an engine without the listing answers 404: none). */
async function templateDiskNames(op: VmOp, templateId: string): Promise<Set<string>> {
  const path =
    op.adapter.dialect === "v4"
      ? `/templates/${templateId}/diskattachments`
      : `/templates/${templateId}/disks`;
  const body = await op.client.getOrUndefined(path, "listTemplateDisks");
  const names = new Set<string>();
  for (const { disk } of op.adapter.vmDisks(body)) {
    const full =
      (str(disk.name) ?? str(disk.alias))
        ? disk
        : obj(await op.client.getOrUndefined(`/disks/${str(disk.id) ?? ""}`, "getDisk"));
    const n = str(full?.name) ?? str(full?.alias);
    if (n) names.add(n);
  }
  return names;
}

/** The VM's disks with their sizes and states. */
export async function listVmDisks(
  op: VmOp,
  vmId: string,
  templateDisks: TemplateDisks = NO_TEMPLATE_DISKS,
): Promise<DiskRecord[]> {
  const body = await op.client.getOrUndefined(op.adapter.disksPath(vmId), "listVmDisks");
  const out: DiskRecord[] = [];
  for (const { attachment, disk } of op.adapter.vmDisks(body)) {
    let full = disk;
    if (!str(disk.name) && !str(disk.alias) && str(disk.id)) {
      full = obj(await op.client.getOrUndefined(`/disks/${str(disk.id)}`, "getDisk")) ?? disk;
    }
    out.push(diskRecord(full, attachment, templateDisks));
  }
  return out;
}

/** Waits for a disk until `ok`; `illegal` fails naming the disk. */
export async function waitDiskOk(op: VmOp, vmId: string, disk: { id: string; name: string }): Promise<void> {
  await poll<Wire | undefined>({
    what: `disk ${disk.name} (Correlation-Id: ${op.correlationId})`,
    label: `disk ${disk.name}`,
    describe: async () => obj(await op.client.getOrUndefined(diskPath(op, vmId, disk.id), "getDisk")),
    classify: (d) => {
      if (!d)
        return { status: "failure", state: "gone", message: `disk ${disk.name} (${disk.id}) disappeared` };
      const s = statusOf(d) ?? "unknown";
      if (s === "ok") return { status: "success", state: s };
      if (s === "illegal") {
        return {
          status: "failure",
          state: s,
          message: `disk ${disk.name} (${disk.id}) is illegal: the engine could not create or change its image`,
          meta: {
            remedy:
              "look at the engine's events for this Correlation-Id; remove the disk from the spec and add it again, or fix the storage domain",
          },
        };
      }
      return { status: "pending", state: s };
    },
    timeoutMs: Math.max(1, op.deadline - op.client.clock.now()),
    clock: op.client.clock,
    onProgress: op.onProgress,
    meta: { vendor: "ovirt", operation: "waitDisk", vendorDetail: { correlationId: op.correlationId } },
  });
}

function wanted(d: DiskSpec): Required<Omit<DiskSpec, "storageDomain" | "name" | "sizeGiB">> {
  const format = d.format ?? "cow";
  return {
    format,
    sparse: d.sparse ?? format === "cow",
    interface: d.interface ?? "virtio_scsi",
    bootable: d.bootable ?? false,
  };
}

/** Fields that cannot change in place: the disk must be replaced (handlers decide). */
function replaceReasons(spec: DiskSpec, sdId: string, have: DiskRecord): string[] {
  const w = wanted(spec);
  const out: string[] = [];
  if (have.fromTemplate) return out;
  if (have.storageDomain && have.storageDomain !== sdId)
    out.push(`storage domain (${have.storageDomain} → ${sdId})`);
  if (have.format && have.format !== w.format) out.push(`format (${have.format} → ${w.format})`);
  if (have.sparse !== undefined && have.sparse !== w.sparse)
    out.push(`sparse (${have.sparse} → ${w.sparse})`);
  if (spec.sizeGiB < have.sizeGiB - 1 / 1024)
    out.push(`size (${have.sizeGiB} GiB → ${spec.sizeGiB} GiB: disks cannot shrink)`);
  return out;
}

export interface DiskPlanOptions {
  vm: { id: string; name: string };
  disks: DiskSpec[];
  current: DiskRecord[];
  /** The disks declared before (their images are destroyed when they go away). */
  previous?: DiskSpec[];
  detachOnlyDisks?: boolean;
}

/** Brings the VM's disks to the declared list; waits for new and grown disks to be `ok`. */
export async function reconcileDisks(op: VmOp, o: DiskPlanOptions): Promise<void> {
  const { vm } = o;
  const byName = new Map(o.current.map((d) => [d.name, d]));
  const toWait: Array<{ id: string; name: string }> = [];
  for (const spec of o.disks) {
    const sdId = await resolveStorageDomain(op.client, spec.storageDomain);
    const have = byName.get(spec.name);
    const w = wanted(spec);
    if (!have) {
      const shaped = op.adapter.newDisk(vm.id, {
        name: spec.name,
        storageDomainId: sdId,
        sizeBytes: Math.round(spec.sizeGiB * GIB),
        ...w,
      });
      op.onProgress?.(`adding disk ${spec.name} (${spec.sizeGiB} GiB ${w.format}, ${w.interface})`);
      const id = await createOnce<string>({
        clock: op.client.clock,
        deadline: op.deadline,
        lookup: async () => (await listVmDisks(op, vm.id)).find((d) => d.name === spec.name)?.id,
        create: async () => {
          const res = await op.client.request({
            method: "POST",
            path: shaped.path,
            body: shaped.body,
            operation: "addDisk",
            target: `${vm.name}/${spec.name}`,
            idempotent: false,
            correlationId: op.correlationId,
          });
          return str(obj(obj(res.body)?.disk)?.id) ?? str(obj(res.body)?.id) ?? "";
        },
      });
      toWait.push({ id, name: spec.name });
      continue;
    }
    const reasons = replaceReasons(spec, sdId, have);
    if (reasons.length) {
      throw new InputError(
        `disk ${spec.name} of VM ${vm.name} cannot change in place: ${reasons.join(", ")}`,
        {
          meta: {
            vendor: "ovirt",
            operation: "reconcileDisks",
            property: "disks",
            remedy: "give the disk a new name (the old one is detached), or replace the VM",
          },
        },
      );
    }
    const grow = spec.sizeGiB > have.sizeGiB + 1 / 1024;
    const change = {
      ...(spec.interface !== undefined && have.interface !== w.interface ? { interface: w.interface } : {}),
      ...(spec.bootable !== undefined && have.bootable !== w.bootable ? { bootable: w.bootable } : {}),
      ...(grow ? { sizeBytes: Math.round(spec.sizeGiB * GIB) } : {}),
    };
    if (Object.keys(change).length) {
      const shaped = op.adapter.updateDisk(
        vm.id,
        { attachmentId: have.attachmentId, diskId: have.id },
        change,
      );
      op.onProgress?.(`updating disk ${spec.name} (${Object.keys(change).join(", ")})`);
      await op.client.request({
        method: "PUT",
        path: shaped.path,
        body: shaped.body,
        operation: "updateDisk",
        target: `${vm.name}/${spec.name}`,
        idempotent: true,
        correlationId: op.correlationId,
      });
      if (grow) toWait.push({ id: have.id, name: spec.name });
    } else if (have.status !== "ok") {
      toWait.push({ id: have.id, name: spec.name });
    }
  }
  const declared = new Set(o.disks.map((d) => d.name));
  const before = new Set((o.previous ?? []).map((d) => d.name));
  for (const have of o.current) {
    if (declared.has(have.name) || have.fromTemplate) continue;
    const destroy = before.has(have.name) && !o.detachOnlyDisks;
    op.onProgress?.(`${destroy ? "removing" : "detaching"} disk ${have.name}`);
    for (const shaped of op.adapter.detachDisk(
      vm.id,
      { attachmentId: have.attachmentId, diskId: have.id },
      destroy,
    )) {
      await op.client.request({
        method: "DELETE",
        path: shaped.path,
        query: shaped.query,
        body: shaped.body,
        operation: destroy ? "removeDisk" : "detachDisk",
        target: `${vm.name}/${have.name}`,
        idempotent: true,
        accept: [404],
        correlationId: op.correlationId,
      });
    }
  }
  for (const d of toWait) await waitDiskOk(op, vm.id, d);
}
