/**
 * Disks (reference §1.8, §2 table; seed 2.8, 2.16, 2.18): `locked` → `ok` | `illegal` on the
 * clock (adding a disk does not lock the VM). v4: `/vms/{id}/diskattachments` (detach with
 * `detach_only`, default true) and `/disks`. v3: `/vms/{id}/disks` with the attachment fields on
 * the disk, and `DELETE /vms/{id}/disks/{did}` that **destroys** the disk unless the body says
 * `{"detach":"true"}`.
 */
import { bool, listOf, num, obj, refOf, str, type Json } from "./codec";
import type { OvirtState } from "./engine-state";
import { badRequest, conflict, incomplete, MSG, NotFound } from "./errors";
import { RUNNING_STATUSES, type AttachmentRecord, type DiskRecord, type VmRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";
import { entityNotFound } from "./vm-config";

const INTERFACES = ["ide", "sata", "spapr_vscsi", "virtio", "virtio_scsi"];

export function renderDisk(ctx: Ctx, d: DiskRecord, att?: AttachmentRecord): Json {
  const c = ctx.codec;
  const vmScoped = att && ctx.dialect === "v3";
  const out: Json = {
    id: d.id,
    href: c.href(vmScoped ? `/vms/${att.vmId}/disks/${d.id}` : `/disks/${d.id}`),
    name: d.alias,
    alias: d.alias,
    description: d.description,
    provisioned_size: c.long(d.provisionedSize),
    actual_size: c.long(d.actualSize),
    total_size: c.long(d.actualSize),
    format: d.format,
    sparse: c.bool(d.sparse),
    shareable: c.bool(d.shareable),
    storage_type: "image",
    ...c.status(d.status),
    storage_domains: { storage_domain: [c.ref("/storagedomains", d.storageDomainId)] },
  };
  if (ctx.dialect === "v3") {
    out["size"] = c.long(d.provisionedSize); // seed 2.8 reads disk.get_size()
    if (d.type) out["type"] = d.type;
    if (att) {
      out["bootable"] = c.bool(att.bootable);
      out["interface"] = att.interface;
      out["active"] = c.bool(att.active);
      out["vm"] = c.ref("/vms", att.vmId);
    }
  } else out["content_type"] = "data";
  return out;
}

function renderAttachment(ctx: Ctx, a: AttachmentRecord): Json {
  const c = ctx.codec;
  return {
    id: a.diskId,
    href: c.href(`/vms/${a.vmId}/diskattachments/${a.diskId}`),
    bootable: c.bool(a.bootable),
    interface: a.interface,
    active: c.bool(a.active),
    pass_discard: c.bool(false),
    read_only: c.bool(false),
    uses_scsi_reservation: c.bool(false),
    disk: c.ref("/disks", a.diskId),
    vm: c.ref("/vms", a.vmId),
  };
}

function attachment(state: OvirtState, vmId: string, diskId: string | undefined): AttachmentRecord {
  const a = state.attachments.find((x) => x.vmId === vmId && x.diskId === diskId);
  if (!a) throw new NotFound();
  return a;
}

function vmForDisks(state: OvirtState, id: string | undefined, verb: "add" | "attach"): VmRecord {
  const vm = state.vm(id);
  if (vm.status === "image_locked" || vm.removing) throw conflict(MSG.diskVmImageLocked(verb));
  return vm;
}

/** Creates a new disk (status locked) settling `diskCreateMs` later. */
function createDisk(ctx: Ctx, diskBody: Json, vm: VmRecord | undefined): DiskRecord {
  const state = ctx.state;
  const size = num(diskBody["provisioned_size"], "provisioned_size") ?? num(diskBody["size"], "size");
  if (size === undefined) throw incomplete("Disk", "provisionedSize|size");
  if (size <= 0) throw badRequest("Cannot add Virtual Disk. Disk size must be positive.");
  const format = str(diskBody["format"]);
  if (format === undefined) throw incomplete("Disk", "format");
  if (format !== "cow" && format !== "raw") throw badRequest(`Invalid value '${format}' for 'format'`);
  const sdRef = refOf(listOf(diskBody["storage_domains"], "storage_domain")[0]);
  if (!sdRef) throw incomplete("Disk", "storageDomains.storageDomain.id|name");
  const domain = sdRef.id
    ? state.domains.get(sdRef.id)
    : [...state.domains.values()].find((d) => d.name === sdRef.name);
  if (!domain) throw entityNotFound("StorageDomain", sdRef);
  if (domain.type !== "data")
    throw conflict("Cannot add Virtual Disk. Storage Domain type is not valid for this operation.");
  if (domain.status !== "active")
    throw conflict(`Cannot add Virtual Disk. The relevant Storage Domain's status is ${domain.status}.`);
  const sparse = bool(diskBody["sparse"], "sparse") ?? format === "cow";
  if (!sparse && size > domain.availableBytes - domain.usedBytes)
    throw conflict(`Cannot add Virtual Disk. Low disk space on Storage Domain ${domain.name}.`);
  const alias =
    str(diskBody["alias"]) ??
    str(diskBody["name"]) ??
    (vm ? `${vm.config.name}_Disk${state.attachmentsOf(vm.id).length + 1}` : `Disk${state.disks.size + 1}`);
  const disk: DiskRecord = {
    id: state.newId(),
    alias,
    description: str(diskBody["description"]) ?? "",
    provisionedSize: size,
    actualSize: sparse ? 0 : size,
    format,
    sparse,
    status: "locked",
    storageDomainId: domain.id,
    shareable: bool(diskBody["shareable"], "shareable") ?? false,
    creationTime: state.now(),
  };
  const type = str(diskBody["type"]);
  if (type !== undefined) disk.type = type;
  if (!sparse) domain.usedBytes += size;
  state.disks.set(disk.id, disk);
  const job = state.startJob(`Adding Disk ${alias}`, ctx.correlationId, ctx.caller.user);
  state.scheduler.after(state.timings.diskCreateMs, `disk:${disk.id}`, (at) => {
    if (disk.status !== "locked") return;
    disk.status = state.takeDiskOutcome();
    const ok = disk.status === "ok";
    state.event(
      ok ? 2021 : 2022,
      ok ? "normal" : "error",
      ok
        ? `The disk ${alias} was successfully added${vm ? ` to VM ${vm.config.name}` : ""}.`
        : `Add-Disk operation failed to complete: the disk ${alias} is illegal.`,
      { vmId: vm?.id, storageDomainId: domain.id },
      job.correlationId,
      at,
    );
    state.endJob(job, ok, at);
  });
  return disk;
}

/** Body → attachment (new disk or an existing one by id). */
function attach(ctx: Ctx, vm: VmRecord, fields: Json, diskBody: Json): AttachmentRecord {
  const state = ctx.state;
  const iface = str(fields["interface"]);
  if (iface === undefined) throw incomplete(ctx.dialect === "v4" ? "DiskAttachment" : "Disk", "interface");
  if (!INTERFACES.includes(iface)) throw badRequest(`Invalid value '${iface}' for 'interface'`);
  const bootable = bool(fields["bootable"], "bootable") ?? false;
  const active = bool(fields["active"], "active") ?? true;
  if (bootable) {
    const other = state.attachmentsOf(vm.id).find((a) => a.bootable);
    if (other)
      throw conflict(
        `Cannot add Virtual Disk. The VM already has a bootable disk (${state.disks.get(other.diskId)?.alias ?? other.diskId}).`,
      );
  }
  const existingId = str(diskBody["id"]);
  let disk: DiskRecord;
  if (
    existingId !== undefined &&
    diskBody["provisioned_size"] === undefined &&
    diskBody["size"] === undefined
  ) {
    vmForDisks(state, vm.id, "attach");
    disk = state.disk(existingId);
    if (disk.status === "locked") throw conflict(MSG.disksLocked("attach", "Virtual Disk", [disk.alias]));
    const holder = state.attachments.find((a) => a.diskId === disk.id);
    if (holder && !disk.shareable)
      throw conflict(
        `Cannot attach Virtual Disk. The disk is already attached to VM ${state.vms.get(holder.vmId)?.config.name ?? holder.vmId}.`,
      );
  } else {
    vmForDisks(state, vm.id, "add");
    disk = createDisk(ctx, diskBody, vm);
  }
  const a: AttachmentRecord = { vmId: vm.id, diskId: disk.id, bootable, interface: iface, active };
  state.attachments.push(a);
  return a;
}

function detach(state: OvirtState, vm: VmRecord, a: AttachmentRecord, destroy: boolean): void {
  const disk = state.disks.get(a.diskId)!;
  if (disk.status === "locked") throw conflict(MSG.disksLocked("remove", "Virtual Disk", [disk.alias]));
  if (RUNNING_STATUSES.has(vm.status) && a.active)
    throw conflict("Cannot detach Virtual Disk. The disk is plugged into a running VM; deactivate it first.");
  state.attachments = state.attachments.filter((x) => x !== a);
  if (destroy) destroyDisk(state, disk);
}

function destroyDisk(state: OvirtState, disk: DiskRecord): void {
  const sd = state.domains.get(disk.storageDomainId);
  if (sd && !disk.sparse) sd.usedBytes = Math.max(0, sd.usedBytes - disk.provisionedSize);
  state.disks.delete(disk.id);
  state.scheduler.cancel(`disk:${disk.id}`);
}

function updateAttachment(ctx: Ctx, a: AttachmentRecord, body: Json): void {
  const bootable = bool(body["bootable"], "bootable");
  if (bootable === true && !a.bootable) {
    const other = ctx.state.attachmentsOf(a.vmId).find((x) => x.bootable && x !== a);
    if (other) throw conflict("Cannot edit Virtual Disk. The VM already has a bootable disk.");
  }
  if (bootable !== undefined) a.bootable = bootable;
  const iface = str(body["interface"]);
  if (iface !== undefined) {
    if (!INTERFACES.includes(iface)) throw badRequest(`Invalid value '${iface}' for 'interface'`);
    a.interface = iface;
  }
  const active = bool(body["active"], "active");
  if (active !== undefined) a.active = active;
}

const diskSearch = (state: OvirtState) => ({
  name: (d: DiskRecord) => d.alias,
  alias: (d: DiskRecord) => d.alias,
  id: (d: DiskRecord) => d.id,
  status: (d: DiskRecord) => d.status,
  storage: (d: DiskRecord) => state.domains.get(d.storageDomainId)?.name,
});

export function installDiskRoutes(router: OvirtRouter): void {
  const v4 = { dialects: ["v4"] as const };
  const v3 = { dialects: ["v3"] as const };
  // ---- v4 disk attachments ----
  router.add(
    "GET",
    "/vms/:id/diskattachments",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const items = ctx.state.attachmentsOf(vm.id).map((a) => renderAttachment(ctx, a));
      return { status: 200, body: ctx.codec.collection("disk_attachment", items) };
    },
    v4,
  );
  router.add(
    "POST",
    "/vms/:id/diskattachments",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const body = ctx.body();
      const diskBody = obj(body["disk"]);
      if (!diskBody) throw incomplete("DiskAttachment", "disk");
      const a = attach(ctx, vm, body, diskBody);
      const headers = { Location: ctx.codec.href(`/vms/${vm.id}/diskattachments/${a.diskId}`) };
      return { status: 201, headers, body: renderAttachment(ctx, a) };
    },
    v4,
  );
  router.add(
    "GET",
    "/vms/:id/diskattachments/:aid",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      return { status: 200, body: renderAttachment(ctx, attachment(ctx.state, vm.id, ctx.params["aid"])) };
    },
    v4,
  );
  router.add(
    "PUT",
    "/vms/:id/diskattachments/:aid",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const a = attachment(ctx.state, vm.id, ctx.params["aid"]);
      updateAttachment(ctx, a, ctx.body());
      return { status: 200, body: renderAttachment(ctx, a) };
    },
    v4,
  );
  router.add(
    "DELETE",
    "/vms/:id/diskattachments/:aid",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const a = attachment(ctx.state, vm.id, ctx.params["aid"]);
      const detachOnly = ctx.param("detach_only")?.toLowerCase() !== "false";
      detach(ctx.state, vm, a, !detachOnly);
      return { status: 200 };
    },
    v4,
  );
  // ---- v3 VM disks ----
  router.add(
    "GET",
    "/vms/:id/disks",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const items = ctx.state
        .attachmentsOf(vm.id)
        .map((a) => renderDisk(ctx, ctx.state.disks.get(a.diskId)!, a));
      return { status: 200, body: ctx.codec.collection("disk", items) };
    },
    v3,
  );
  router.add(
    "POST",
    "/vms/:id/disks",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const body = ctx.body();
      const a = attach(ctx, vm, body, body);
      const headers = { Location: ctx.codec.href(`/vms/${vm.id}/disks/${a.diskId}`) };
      return { status: 201, headers, body: renderDisk(ctx, ctx.state.disks.get(a.diskId)!, a) };
    },
    v3,
  );
  router.add(
    "GET",
    "/vms/:id/disks/:did",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const a = attachment(ctx.state, vm.id, ctx.params["did"]);
      return { status: 200, body: renderDisk(ctx, ctx.state.disks.get(a.diskId)!, a) };
    },
    v3,
  );
  router.add(
    "PUT",
    "/vms/:id/disks/:did",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const a = attachment(ctx.state, vm.id, ctx.params["did"]);
      updateAttachment(ctx, a, ctx.body());
      return { status: 200, body: renderDisk(ctx, ctx.state.disks.get(a.diskId)!, a) };
    },
    v3,
  );
  router.add(
    "DELETE",
    "/vms/:id/disks/:did",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const a = attachment(ctx.state, vm.id, ctx.params["did"]);
      const detachFlag = bool(ctx.body()["detach"], "detach") ?? false;
      detach(ctx.state, vm, a, !detachFlag);
      return { status: 200 };
    },
    v3,
  );
  // ---- top-level disks (both dialects) ----
  router.add("GET", "/disks", (ctx) => {
    const disks = applySearch(ctx, [...ctx.state.disks.values()], diskSearch(ctx.state));
    return {
      status: 200,
      body: ctx.codec.collection(
        "disk",
        disks.map((d) => renderDisk(ctx, d)),
      ),
    };
  });
  router.add("POST", "/disks", (ctx) => {
    const disk = createDisk(ctx, ctx.body(), undefined);
    return {
      status: 201,
      headers: { Location: ctx.codec.href(`/disks/${disk.id}`) },
      body: renderDisk(ctx, disk),
    };
  });
  router.add("GET", "/disks/:id", (ctx) => ({
    status: 200,
    body: renderDisk(ctx, ctx.state.disk(ctx.params["id"])),
  }));
  router.add("DELETE", "/disks/:id", (ctx) => {
    const state = ctx.state;
    const disk = state.disk(ctx.params["id"]);
    if (disk.status === "locked") throw conflict(MSG.disksLocked("remove", "Virtual Disk", [disk.alias]));
    for (const a of state.attachments.filter((x) => x.diskId === disk.id)) {
      const vm = state.vms.get(a.vmId)!;
      if (RUNNING_STATUSES.has(vm.status))
        throw conflict(`Cannot remove Virtual Disk. VM ${vm.config.name} is running.`);
    }
    state.attachments = state.attachments.filter((x) => x.diskId !== disk.id);
    destroyDisk(state, disk);
    return { status: 200 };
  });
}
