/**
 * `/vms`: list (search), add from a template (reference §1.5; seed 2.14), get (with
 * `?next_run=true`, reference §1.11), update with the live/next-run split, remove
 * (reference §1.12), and statistics (seed 2.8). The power actions are in vm-power.ts.
 */
import { waitUntil } from "../framework";
import { bool, obj, refOf, type Json } from "./codec";
import type { OvirtState } from "./engine-state";
import { conflict, EngineFault, incomplete, MSG } from "./errors";
import { guestNics } from "./guest";
import { RUNNING_STATUSES, ZERO_GUID, type VmConfig, type VmRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";
import { applyPatch, changedFields, checkMemory, entityNotFound, parseVmPatch, splitLive } from "./vm-config";

const GiB = 1024 ** 3;

function maskInit(init: Record<string, unknown>): Record<string, unknown> {
  const out = structuredClone(init);
  if (out["root_password"] !== undefined) out["root_password"] = "******";
  return out;
}

/** A VM in the request's dialect; `cfg` is the configuration to show (next_run view). */
export function renderVm(ctx: Ctx, vm: VmRecord, cfg: VmConfig = vm.config): Json {
  const c = ctx.codec;
  const base = `/vms/${vm.id}`;
  const out: Json = {
    id: vm.id,
    href: c.href(base),
    name: cfg.name,
    description: cfg.description,
    comment: cfg.comment,
    ...c.status(vm.status),
    type: cfg.type,
    memory: c.long(cfg.memory),
    memory_policy: {
      guaranteed: c.long(cfg.memoryGuaranteed),
      max: c.long(cfg.memoryMax),
      ballooning: c.bool(true),
    },
    cpu: {
      architecture: "x86_64",
      topology: { sockets: c.int(cfg.sockets), cores: c.int(cfg.cores), threads: c.int(cfg.threads) },
    },
    os: { type: cfg.osType, boot: c.boot(cfg.bootDevices) },
    high_availability: { enabled: c.bool(cfg.haEnabled), priority: c.int(cfg.haPriority) },
    stateless: c.bool(cfg.stateless),
    delete_protected: c.bool(cfg.deleteProtected),
    run_once: c.bool(vm.runOnce),
    next_run_configuration_exists: c.bool(vm.nextRun !== undefined),
    creation_time: c.date(vm.creationTime),
    cluster: c.ref("/clusters", cfg.clusterId),
    template: c.ref("/templates", vm.templateId),
  };
  if (ctx.dialect === "v4") out["original_template"] = c.ref("/templates", vm.templateId);
  if (vm.hostId) out["host"] = c.ref("/hosts", vm.hostId);
  if (cfg.initialization) out["initialization"] = maskInit(cfg.initialization);
  if (ctx.dialect === "v3") {
    const ips = guestNics(ctx.state, vm);
    if (ips.length)
      out["guest_info"] = { ips: { ip: ips.flatMap((g) => [{ address: g.ipv4 }, { address: g.ipv6 }]) } };
  }
  out["actions"] = c.actions(base, ["start", "stop", "shutdown", "reboot", "suspend"]);
  out["link"] = c.links(
    base,
    ctx.dialect === "v4"
      ? ["diskattachments", "nics", "cdroms", "reporteddevices", "statistics"]
      : ["disks", "nics", "cdroms", "statistics"],
  );
  return out;
}

function defaults(state: OvirtState, templateId: string, clusterId: string): VmConfig {
  const t = state.template(templateId);
  return {
    name: "",
    description: "",
    comment: "",
    clusterId,
    memory: t.memory,
    memoryGuaranteed: t.memory,
    memoryMax: t.memory * 4,
    sockets: 1,
    cores: 1,
    threads: 1,
    osType: t.osType,
    bootDevices: ["hd"],
    haEnabled: false,
    haPriority: 0,
    deleteProtected: false,
    stateless: false,
    type: "server",
  };
}

function nameTaken(state: OvirtState, name: string, except?: string): boolean {
  return [...state.vms.values()].some((v) => v.id !== except && v.config.name === name);
}

/** The active data domain template disks are copied to (first active data domain of the DC). */
function targetDomain(state: OvirtState, dcId: string | undefined, requested?: string) {
  const domain = requested
    ? state.domains.get(requested)
    : [...state.domains.values()].find(
        (d) => d.type === "data" && d.dataCenterId === dcId && d.status === "active",
      );
  if (!domain || domain.type !== "data" || domain.status !== "active" || domain.dataCenterId !== dcId)
    throw conflict("Cannot add VM. The relevant Storage Domain is either inactive or does not exist.");
  return domain;
}

function addVm(ctx: Ctx): VmRecord {
  const state = ctx.state;
  const body = ctx.body();
  if (body["name"] === undefined) throw incomplete("Vm", "name");
  const clusterRef = refOf(body["cluster"]);
  if (!clusterRef) throw incomplete("Vm", "cluster.id|name");
  const templateRef = refOf(body["template"]);
  if (!templateRef) throw incomplete("Vm", "template.id|name");
  const template = templateRef.id
    ? state.templates.get(templateRef.id)
    : [...state.templates.values()].find((t) => t.name === templateRef.name);
  if (!template) throw entityNotFound("VmTemplate", templateRef);
  const patch = parseVmPatch(ctx, body);
  const cfg = applyPatch(defaults(state, template.id, patch.clusterId!), patch);
  if (patch.memory !== undefined && patch.memoryGuaranteed === undefined) cfg.memoryGuaranteed = cfg.memory;
  if (patch.memory !== undefined && patch.memoryMax === undefined) cfg.memoryMax = cfg.memory * 4;
  checkMemory(cfg, "add");
  if (nameTaken(state, cfg.name)) throw conflict(MSG.vmNameInUse);
  const clone =
    ctx.dialect === "v4"
      ? ctx.param("clone")?.toLowerCase() === "true"
      : (bool(obj(body["disks"])?.["clone"], "disks.clone") ?? false);
  const now = state.now();
  const vm: VmRecord = {
    id: state.newId(),
    config: cfg,
    status: template.disks.length ? "image_locked" : "down",
    templateId: template.id,
    cloned: clone,
    creationTime: now,
    isInitialized: false,
    runOnce: false,
    cdrom: "",
    guestAgent: state.options.guestAgent ?? true,
    acpiIgnored: state.options.acpi === "ignored",
    boots: [],
    removing: false,
  };
  const job = state.startJob(
    `Creating VM ${cfg.name} from Template ${template.name}`,
    ctx.correlationId,
    ctx.caller.user,
  );
  if (template.disks.length) {
    const firstOverride = obj(
      ([] as unknown[]).concat(obj(body["disk_attachments"])?.["disk_attachment"] ?? [])[0],
    )?.["disk"];
    const sdRef = refOf(
      ([] as unknown[]).concat(obj(obj(firstOverride)?.["storage_domains"])?.["storage_domain"] ?? [])[0],
    );
    const domain = targetDomain(state, state.clusters.get(cfg.clusterId)?.dataCenterId, sdRef?.id);
    for (const td of template.disks) {
      const disk = {
        id: state.newId(),
        alias: `${cfg.name}_Disk${state.attachmentsOf(vm.id).length + 1}`,
        description: "",
        provisionedSize: td.provisionedSize,
        actualSize: td.sparse ? GiB : td.provisionedSize,
        format: td.format,
        sparse: td.sparse,
        status: "locked" as const,
        storageDomainId: domain.id,
        shareable: false,
        creationTime: now,
      };
      state.disks.set(disk.id, disk);
      state.attachments.push({
        vmId: vm.id,
        diskId: disk.id,
        bootable: td.bootable,
        interface: td.interface,
        active: true,
      });
    }
    state.scheduler.after(state.timings.imageCopyMs, `vm:${vm.id}:create`, (at) => {
      let ok = true;
      for (const a of state.attachmentsOf(vm.id)) {
        const d = state.disks.get(a.diskId);
        if (d?.status !== "locked") continue;
        d.status = state.takeDiskOutcome();
        if (d.status === "illegal") ok = false;
      }
      if (vm.status === "image_locked") vm.status = "down";
      state.event(
        ok ? 53 : 60,
        ok ? "normal" : "error",
        ok
          ? `VM ${vm.config.name} creation has been completed.`
          : `Failed to complete VM ${vm.config.name} creation.`,
        { vmId: vm.id },
        job.correlationId,
        at,
      );
      state.endJob(job, ok, at);
    });
  } else {
    state.endJob(job, true);
  }
  state.vms.set(vm.id, vm);
  state.event(
    34,
    "normal",
    `VM ${cfg.name} was created by ${ctx.caller.user}.`,
    { vmId: vm.id },
    ctx.correlationId,
  );
  return vm;
}

function updateVm(ctx: Ctx, vm: VmRecord): void {
  const state = ctx.state;
  if (vm.status === "image_locked" || vm.removing) throw conflict(MSG.vmLocked("edit"));
  const patch = parseVmPatch(ctx, ctx.body());
  if (patch.name !== undefined && nameTaken(state, patch.name, vm.id)) throw conflict(MSG.vmNameInUseEdit);
  const nextRun = ctx.param("next_run")?.toLowerCase() === "true";
  const running = RUNNING_STATUSES.has(vm.status) || vm.status === "suspended";
  if (!running) {
    const cfg = applyPatch(vm.config, patch);
    checkMemory(cfg, "edit");
    vm.config = cfg;
    return;
  }
  if (patch.clusterId !== undefined && patch.clusterId !== vm.config.clusterId)
    throw conflict("Cannot edit VM. The cluster of a running VM cannot be changed.");
  const pendingBase = vm.nextRun ?? vm.config;
  if (nextRun) {
    const cfg = applyPatch(pendingBase, patch);
    checkMemory(cfg, "edit");
    if (changedFields(vm.config, cfg).length) vm.nextRun = cfg;
    return;
  }
  const { live, pending } = splitLive(vm.config, patch);
  const liveCfg = applyPatch(vm.config, live);
  checkMemory(applyPatch(liveCfg, pending), "edit");
  vm.config = liveCfg;
  if (vm.nextRun || Object.keys(pending).length) {
    const next = applyPatch(applyPatch(pendingBase, live), pending);
    vm.nextRun = changedFields(vm.config, next).length ? next : undefined;
  }
}

function removeVm(ctx: Ctx, vm: VmRecord): void {
  const state = ctx.state;
  const body = ctx.body();
  let force: boolean;
  let detachOnly: boolean;
  if (ctx.dialect === "v4") {
    force = ctx.param("force")?.toLowerCase() === "true";
    detachOnly = ctx.param("detach_only")?.toLowerCase() === "true";
  } else {
    // RHEV 3.6: DELETE with an Action body; only checks that detach_only is *set* (reference §2)
    force = bool(body["force"], "force") ?? false;
    detachOnly = obj(obj(body["vm"])?.["disks"])?.["detach_only"] !== undefined;
  }
  if (vm.removing) throw conflict(MSG.vmLocked("remove"));
  if (vm.config.deleteProtected) throw conflict(MSG.deleteProtected);
  if (RUNNING_STATUSES.has(vm.status)) throw conflict(MSG.removeRunning);
  if (vm.status === "suspended") throw conflict(MSG.removeNotDown);
  if (vm.status === "image_locked" && !force) throw conflict(MSG.vmLocked("remove"));
  const disks = state.attachmentsOf(vm.id).map((a) => state.disks.get(a.diskId)!);
  const locked = disks.filter((d) => d.status === "locked").map((d) => d.alias);
  if (locked.length && !force) throw conflict(MSG.disksLocked("remove", "VM", locked));
  if (detachOnly && vm.templateId !== ZERO_GUID && !vm.cloned) throw conflict(MSG.detachOnlyTemplate);
  vm.removing = true;
  vm.status = "image_locked";
  state.scheduler.cancel(`vm:${vm.id}:create`);
  const job = state.startJob(`Removing VM ${vm.config.name}`, ctx.correlationId, ctx.caller.user);
  state.scheduler.after(state.timings.removeMs, `vm:${vm.id}:remove`, (at) => {
    for (const a of state.attachmentsOf(vm.id)) {
      if (!detachOnly) {
        const d = state.disks.get(a.diskId);
        const sd = d && state.domains.get(d.storageDomainId);
        if (d && sd && !d.sparse) sd.usedBytes = Math.max(0, sd.usedBytes - d.provisionedSize);
        state.disks.delete(a.diskId);
      }
    }
    state.attachments = state.attachments.filter((a) => a.vmId !== vm.id);
    for (const n of state.nicsOf(vm.id)) state.nics.delete(n.id);
    state.vms.delete(vm.id);
    state.event(
      113,
      "normal",
      `VM ${vm.config.name} was successfully removed.`,
      { vmId: vm.id },
      job.correlationId,
      at,
    );
    state.endJob(job, true, at);
  });
}

function statistics(ctx: Ctx, vm: VmRecord): Json {
  const c = ctx.codec;
  const up = vm.status === "up";
  const stat = (name: string, value: number, unit: string, description: string): Json => ({
    name,
    description,
    kind: "gauge",
    type: "integer",
    unit,
    values: { value: [{ datum: c.long(value) }] },
    vm: c.ref("/vms", vm.id),
  });
  const diskBytes = ctx.state
    .attachmentsOf(vm.id)
    .reduce((sum, a) => sum + (ctx.state.disks.get(a.diskId)?.provisionedSize ?? 0), 0);
  return c.collection("statistic", [
    stat("memory.installed", vm.config.memory, "bytes", "Total memory configured"),
    stat("memory.used", up ? Math.floor(vm.config.memory / 4) : 0, "bytes", "Memory used (agent)"),
    stat("cpu.current.guest", up ? 3 : 0, "percent", "CPU used by guest"),
    stat("disks.provisioned", diskBytes, "bytes", "Provisioned size of the VM's disks (sim)"),
  ]);
}

export function installVmRoutes(router: OvirtRouter): void {
  router.add("GET", "/vms", (ctx) => {
    const vms = applySearch(ctx, [...ctx.state.vms.values()], {
      name: (v) => v.config.name,
      id: (v) => v.id,
      status: (v) => v.status,
      cluster: (v) => ctx.state.clusters.get(v.config.clusterId)?.name,
      description: (v) => v.config.description,
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "vm",
        vms.map((v) => renderVm(ctx, v)),
      ),
    };
  });
  router.add("POST", "/vms", async (ctx) => {
    const vm = addVm(ctx);
    const expect = `${ctx.req.headers["x-ovirt-expect"] ?? ""} ${ctx.req.headers["expect"] ?? ""}`;
    const hold = ctx.state.options.maxHoldRealMs ?? 0;
    if (vm.status === "image_locked" && /201-created/i.test(expect) && hold > 0) {
      await waitUntil(
        () => {
          ctx.state.settle();
          return vm.status !== "image_locked";
        },
        { clock: ctx.state.clock, maxRealMs: hold, signal: ctx.req.signal },
      );
    }
    const headers = { Location: ctx.codec.href(`/vms/${vm.id}`) };
    if (vm.status === "image_locked")
      return { status: 202, headers, body: { ...renderVm(ctx, vm), creation_status: "pending" } };
    return { status: 201, headers, body: renderVm(ctx, vm) };
  });
  router.add("GET", "/vms/:id", (ctx) => {
    const vm = ctx.state.vm(ctx.params["id"]);
    const nextRun = ctx.param("next_run")?.toLowerCase() === "true";
    return { status: 200, body: renderVm(ctx, vm, nextRun ? (vm.nextRun ?? vm.config) : vm.config) };
  });
  router.add("PUT", "/vms/:id", (ctx) => {
    const vm = ctx.state.vm(ctx.params["id"]);
    updateVm(ctx, vm);
    return { status: 200, body: renderVm(ctx, vm) };
  });
  router.add("DELETE", "/vms/:id", (ctx) => {
    const vm = ctx.state.vm(ctx.params["id"]);
    try {
      removeVm(ctx, vm);
    } catch (err) {
      if (err instanceof EngineFault)
        ctx.state.event(
          9001,
          "error",
          `Failed to remove VM ${vm.config.name}: ${err.detail}`,
          { vmId: vm.id },
          ctx.correlationId,
        );
      throw err;
    }
    return { status: 200 };
  });
  router.add("GET", "/vms/:id/statistics", (ctx) => ({
    status: 200,
    body: statistics(ctx, ctx.state.vm(ctx.params["id"])),
  }));
}
