/**
 * The VM power state machine on the clock (reference §1.6, §1.7; seed 2.19–2.21) and its
 * actions `POST /vms/{id}/{start|shutdown|stop|reboot|suspend}`:
 *
 *   start     down → wait_for_launch → powering_up → up   (suspended → restoring_state → up)
 *   shutdown  up → powering_down → down  (ACPI ignored: back to up after acpiTimeoutMs)
 *   stop      any running state → powering_down → down (hard stop, stopMs)
 *   reboot    up → reboot_in_progress → up; with a pending next-run configuration a cold
 *             reboot (down, configuration applied, start again)
 *   suspend   up → saving_state → suspended
 *
 * Going down applies the pending next-run configuration. The first `up` sets is_initialized;
 * the persisted initialization reaches the guest only then; run-once (`use_cloud_init` +
 * `vm.initialization`) reaches it on that boot only. Each boot is recorded in `vm.boots`.
 */
import { bool, listOf, obj, str, type Json } from "./codec";
import type { OvirtState } from "./engine-state";
import { conflict, EngineFault, MSG } from "./errors";
import { RUNNING_STATUSES, type JobRecord, type VmRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";

const powerTag = (vm: VmRecord): string => `vm:${vm.id}:power`;

interface RunRequest {
  bootDevices?: string[];
  cdrom?: string;
  initialization?: Record<string, unknown>;
}

function hostName(state: OvirtState, vm: VmRecord): string {
  return (vm.hostId && state.hosts.get(vm.hostId)?.name) || "";
}

/** The VM reaches `down`: host released, pending configuration applied. */
export function goDown(state: OvirtState, vm: VmRecord, at: number, job?: JobRecord): void {
  state.scheduler.cancel(powerTag(vm));
  vm.status = "down";
  vm.hostId = undefined;
  vm.ipsAt = undefined;
  vm.cdromCurrent = undefined;
  vm.runOnce = false;
  vm.runBootDevices = undefined;
  if (vm.nextRun) {
    vm.config = vm.nextRun;
    vm.nextRun = undefined;
  }
  state.event(61, "normal", `VM ${vm.config.name} is down.`, { vmId: vm.id }, job?.correlationId, at);
  state.endJob(job, true, at);
}

/** Validates and starts a run (down or suspended VM). */
export function startVm(state: OvirtState, vm: VmRecord, run: RunRequest, job?: JobRecord): void {
  if (vm.status === "image_locked" || vm.removing) throw conflict(MSG.vmLockedRun);
  if (RUNNING_STATUSES.has(vm.status)) throw conflict(MSG.vmRunning);
  const attached = state.attachmentsOf(vm.id).map((a) => ({ a, d: state.disks.get(a.diskId)! }));
  const locked = attached.filter((x) => x.d.status === "locked").map((x) => x.d.alias);
  if (locked.length) throw conflict(MSG.disksLocked("run", "VM", locked));
  const illegal = attached.filter((x) => x.d.status === "illegal").map((x) => x.d.alias);
  if (illegal.length) throw conflict(MSG.disksIllegal("run", "VM", illegal));
  const host = [...state.hosts.values()].find(
    (h) => h.clusterId === vm.config.clusterId && h.status === "up",
  );
  if (!host) throw conflict(MSG.noHost);
  const now = state.now();
  const tag = powerTag(vm);
  if (vm.status === "suspended") {
    vm.status = "restoring_state";
    vm.hostId = host.id;
    state.scheduler.after(state.timings.suspendMs, tag, (at) => reachUp(state, vm, at, job, false));
    return;
  }
  const devices = run.bootDevices ?? vm.config.bootDevices;
  const cdrom = run.cdrom ?? vm.cdrom;
  const bootable = attached.some((x) => x.a.bootable && x.a.active);
  const canBootCd = devices.includes("cdrom") && cdrom !== "";
  if (!bootable && !canBootCd && !devices.includes("network")) throw conflict(MSG.noBootableDisk);
  vm.status = "wait_for_launch";
  vm.hostId = host.id;
  vm.runOnce = run.bootDevices !== undefined || run.cdrom !== undefined || run.initialization !== undefined;
  vm.runBootDevices = run.bootDevices;
  vm.cdromCurrent = cdrom;
  state.event(
    153,
    "normal",
    `VM ${vm.config.name} was started by ${job?.owner ?? "admin@internal"} (Host: ${host.name}).`,
    { vmId: vm.id, hostId: host.id },
    job?.correlationId,
    now,
  );
  state.scheduler.after(state.timings.launchMs, tag, (at) => {
    vm.status = "powering_up";
    state.scheduler.after(
      state.timings.powerUpMs,
      tag,
      (upAt) => reachUp(state, vm, upAt, job, true, run),
      at,
    );
  });
}

function reachUp(
  state: OvirtState,
  vm: VmRecord,
  at: number,
  job: JobRecord | undefined,
  boot: boolean,
  run: RunRequest = {},
): void {
  vm.status = "up";
  if (boot) {
    const firstBoot = !vm.isInitialized;
    let initialization: Record<string, unknown> | undefined;
    let initializationSource: "persisted" | "run_once" | undefined;
    if (run.initialization) {
      initialization = run.initialization;
      initializationSource = "run_once";
    } else if (firstBoot && vm.config.initialization) {
      initialization = vm.config.initialization;
      initializationSource = "persisted";
    }
    vm.isInitialized = true;
    vm.boots.push({
      index: vm.boots.length + 1,
      at,
      bootDevices: [...(vm.runBootDevices ?? vm.config.bootDevices)],
      cdrom: vm.cdromCurrent ?? "",
      ...(initialization ? { initialization: structuredClone(initialization), initializationSource } : {}),
      memory: vm.config.memory,
      sockets: vm.config.sockets,
      cores: vm.config.cores,
    });
  }
  if (vm.guestAgent) vm.ipsAt = at + state.timings.guestAgentMs;
  state.event(
    32,
    "normal",
    `VM ${vm.config.name} is up.`,
    { vmId: vm.id, hostId: vm.hostId },
    job?.correlationId,
    at,
  );
  state.endJob(job, true, at);
}

export function shutdownVm(state: OvirtState, vm: VmRecord, job?: JobRecord): void {
  if (!RUNNING_STATUSES.has(vm.status)) throw conflict(MSG.notRunning("stop"));
  if (vm.status === "powering_down") return state.endJob(job, true);
  if (vm.status !== "up" && vm.status !== "reboot_in_progress") return stopVm(state, vm, job);
  const tag = powerTag(vm);
  state.scheduler.cancel(tag);
  vm.status = "powering_down";
  state.event(
    73,
    "normal",
    `VM shutdown initiated by ${job?.owner ?? "admin@internal"} on VM ${vm.config.name} (Host: ${hostName(state, vm)}).`,
    { vmId: vm.id, hostId: vm.hostId },
    job?.correlationId,
  );
  if (vm.acpiIgnored) {
    state.scheduler.after(state.timings.acpiTimeoutMs, tag, (at) => {
      vm.status = "up";
      state.event(
        9002,
        "warning",
        `Shutdown of VM ${vm.config.name} failed: the guest did not respond to ACPI.`,
        { vmId: vm.id },
        job?.correlationId,
        at,
      );
      state.endJob(job, false, at);
    });
    return;
  }
  state.scheduler.after(state.timings.shutdownMs, tag, (at) => goDown(state, vm, at, job));
}

export function stopVm(state: OvirtState, vm: VmRecord, job?: JobRecord): void {
  if (vm.status === "suspended") return goDown(state, vm, state.now(), job);
  if (!RUNNING_STATUSES.has(vm.status)) throw conflict(MSG.notRunning("stop"));
  const tag = powerTag(vm);
  state.scheduler.cancel(tag);
  vm.status = "powering_down";
  state.event(
    33,
    "normal",
    `VM ${vm.config.name} powered off by ${job?.owner ?? "admin@internal"} (Host: ${hostName(state, vm)}).`,
    { vmId: vm.id, hostId: vm.hostId },
    job?.correlationId,
  );
  state.scheduler.after(state.timings.stopMs, tag, (at) => goDown(state, vm, at, job));
}

function rebootVm(state: OvirtState, vm: VmRecord, job?: JobRecord): void {
  if (vm.status !== "up") {
    if (!RUNNING_STATUSES.has(vm.status)) throw conflict(MSG.notRunning("reboot"));
    throw conflict(MSG.relatedInProgress("reboot", "VM"));
  }
  const tag = powerTag(vm);
  if (vm.nextRun) {
    // cold reboot: the pending configuration needs the VM down (UNCONFIRMED)
    vm.status = "powering_down";
    state.scheduler.after(state.timings.stopMs, tag, (at) => {
      goDown(state, vm, at);
      try {
        startVm(state, vm, {}, job);
      } catch {
        state.endJob(job, false, at);
      }
    });
    return;
  }
  vm.status = "reboot_in_progress";
  vm.ipsAt = undefined;
  state.scheduler.after(state.timings.rebootMs, tag, (at) => reachUp(state, vm, at, job, true));
}

function suspendVm(state: OvirtState, vm: VmRecord, job?: JobRecord): void {
  if (vm.status !== "up") throw conflict(MSG.notRunning("suspend"));
  vm.status = "saving_state";
  vm.ipsAt = undefined;
  state.scheduler.after(state.timings.suspendMs, powerTag(vm), (at) => {
    vm.status = "suspended";
    state.endJob(job, true, at);
  });
}

/** Start parameters (seed 2.20, 2.21; reference §1.7): run-once boot, CD and cloud-init. */
function parseRun(ctx: Ctx, body: Json): RunRequest {
  const run: RunRequest = {};
  const vmBody = obj(body["vm"]);
  if (!vmBody) return run;
  const boot = ctx.codec.parseBoot(obj(vmBody["os"])?.["boot"]);
  if (boot !== undefined) run.bootDevices = boot;
  const cd = obj(listOf(vmBody["cdroms"], "cdrom")[0]);
  const file = str(obj(cd?.["file"])?.["id"]);
  if (file !== undefined) run.cdrom = file;
  const cloudInit = bool(body["use_cloud_init"], "use_cloud_init");
  const sysprep = bool(body["use_sysprep"], "use_sysprep");
  const ignition = bool(body["use_ignition"], "use_ignition");
  if ([cloudInit, sysprep, ignition].filter(Boolean).length > 1)
    throw conflict("Cannot run VM. Only one initialization type may be used at a time.");
  const init = obj(vmBody["initialization"]);
  // v3 (seed 2.21) sends vm.initialization.cloud_init without use_cloud_init
  if (init && (cloudInit || ctx.dialect === "v3")) run.initialization = structuredClone(init);
  return run;
}

const ACTION_DESCRIPTIONS: Record<string, string> = {
  start: "Launching VM",
  shutdown: "Shutting down VM",
  stop: "Stopping VM",
  reboot: "Rebooting VM",
  suspend: "Suspending VM",
};

export function installVmPowerRoutes(router: OvirtRouter): void {
  for (const verb of ["start", "shutdown", "stop", "reboot", "suspend"] as const) {
    router.add(
      "POST",
      `/vms/:id/${verb}`,
      (ctx) => {
        const state = ctx.state;
        const vm = state.vm(ctx.params["id"]);
        const body = ctx.body();
        const job = state.startJob(
          `${ACTION_DESCRIPTIONS[verb]} ${vm.config.name}`,
          ctx.correlationId,
          ctx.caller.user,
        );
        try {
          if (verb === "start") {
            const run = parseRun(ctx, body);
            if (run.cdrom) requireIso(state, vm, run.cdrom);
            startVm(state, vm, run, job);
          } else if (verb === "shutdown") shutdownVm(state, vm, job);
          else if (verb === "stop") stopVm(state, vm, job);
          else if (verb === "reboot") rebootVm(state, vm, job);
          else suspendVm(state, vm, job);
        } catch (err) {
          state.endJob(job, false);
          if (err instanceof EngineFault)
            state.event(
              9000,
              "error",
              `Failed to ${verb} VM ${vm.config.name}: ${err.detail}`,
              { vmId: vm.id },
              ctx.correlationId,
            );
          throw err;
        }
        return { status: 200, body: ctx.codec.actionResult(job.id) };
      },
      { action: true, service: `vm/methods/${verb}` },
    );
  }
}

/** A run-once or current=true ISO must be a file of an active ISO domain of the VM's data center. */
export function requireIso(state: OvirtState, vm: VmRecord, file: string): void {
  if (file === "") return;
  const dc = state.vmDataCenterId(vm);
  const found = [...state.domains.values()].some(
    (d) => d.type === "iso" && d.dataCenterId === dc && d.status === "active" && d.files.includes(file),
  );
  if (!found) throw conflict(`Cannot change CD. The file ${file} was not found on an active ISO domain.`);
}
