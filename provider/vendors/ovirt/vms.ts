/**
 * The VM flows the `Vm` handler calls (vendor contract; seed 2.14–2.21; reference §1.5–§1.12,
 * §4). `ensureVm` creates the VM (or adopts the one of the same exact name in the cluster),
 * waits `image_locked → down`, converges its fields, NICs, disks, CD-ROM and run state.
 * `updateVm` changes what differs: everything at once on a stopped VM; on a running one, hot
 * changes live (memory grown in 256 MiB steps up to its maximum, CPU sockets, and fields the
 * engine edits live) and cold ones through `next_run`, returned in `pending` (applied now by a
 * shutdown + start with `applyNextRun: "reboot"`). A changed persisted initialization on a VM
 * that has booted is stored but applies at first boot only: it is returned in `pending` as
 * "initialization (applies at first boot only)", never silently ignored. `removeVm` honours
 * delete protection, stops the VM (ACPI, then forced), deletes it and waits for the 404.
 */
import { ConflictError, NotFoundError } from "../../core/errors";
import { poll } from "../../core/poll";
import { createOnce } from "../../core/retry";
import { newCorrelationId, type OvirtClient } from "./client";
import { isId, obj, str } from "./codec";
import { setCdrom } from "./cdrom";
import { listVmDisks, reconcileDisks, templateDisksOf } from "./disks";
import { listNics, reconcileNics } from "./nics";
import { DEFAULT_SHUTDOWN_GRACE_MS, getVmWire, isRunning, startVm, stopVm, waitUnlocked } from "./power";
import { resolveCluster } from "./resolve";
import { quoteEngineEvents } from "./lists";
import { findVmId, pendingFields, recordOf } from "./vm-read";
import type { VmOp, VmRecord, VmSpec } from "./vm-types";
import { changedFields, declaredFields, vmBody, type VmField } from "./vm-wire";

export * from "./vm-types";
export { findVmByName, readVm } from "./vm-read";

/** The text `pending` carries for a changed initialization of a VM that has booted. */
export const INITIALIZATION_PENDING = "initialization (applies at first boot only)";
/** Memory is hot-plugged in multiples of this (the engine's default HotPlugMemoryFactor?: 256 MiB). */
export const HOTPLUG_MEMORY_STEP_MIB = 256;
/**
 * Fields sent to a running VM without next_run (UNCONFIRMED beyond description). The engine may
 * still keep one of them for the next run (an initialization, on some readings): the pending
 * configuration read back says so, and `pending` lists it.
 */
const LIVE_FIELDS: ReadonlySet<VmField> = new Set([
  "description",
  "deleteProtected",
  "highAvailability",
  "initialization",
]);

type Progress = (message: string) => void;

async function opFor(
  client: OvirtClient,
  operation: string,
  timeoutMs: number,
  onProgress?: Progress,
): Promise<VmOp> {
  return {
    client,
    adapter: await client.adapter(),
    correlationId: newCorrelationId(operation),
    deadline: client.clock.now() + timeoutMs,
    ...(onProgress ? { onProgress } : {}),
  };
}

/** Splits changed fields of a running VM into those applied now and those for the next run. */
export function splitHotCold(
  spec: VmSpec,
  live: VmRecord,
  changed: readonly VmField[],
): { now: VmField[]; next: VmField[] } {
  const now: VmField[] = [];
  const next: VmField[] = [];
  for (const f of changed) {
    let hot = LIVE_FIELDS.has(f);
    if (f === "memoryMiB") {
      const grow = spec.memoryMiB - live.memoryMiB;
      const max = spec.memoryMaxMiB ?? live.memoryMaxMiB;
      hot = grow > 0 && grow % HOTPLUG_MEMORY_STEP_MIB === 0 && (max === undefined || spec.memoryMiB <= max);
    }
    if (f === "cpu" && spec.cpu) {
      // CPU hot-plug adds sockets; removing them or changing cores/threads waits for the next run.
      hot =
        spec.cpu.sockets > live.cpu.sockets &&
        spec.cpu.cores === live.cpu.cores &&
        spec.cpu.threads === live.cpu.threads;
    }
    (hot ? now : next).push(f);
  }
  return { now, next };
}

async function putVm(
  op: VmOp,
  id: string,
  spec: VmSpec,
  fields: readonly VmField[],
  nextRun: boolean,
): Promise<void> {
  if (!fields.length) return;
  op.onProgress?.(`updating ${fields.join(", ")}${nextRun ? " for the next run" : ""}`);
  const shaped = nextRun ? op.adapter.nextRun(`/vms/${id}`) : { path: `/vms/${id}` };
  await op.client.request({
    method: "PUT",
    path: shaped.path,
    query: shaped.query,
    body: vmBody(spec, op.adapter, fields),
    operation: nextRun ? "updateVmNextRun" : "updateVm",
    target: spec.name,
    idempotent: true,
    correlationId: op.correlationId,
  });
}

interface ConvergeOptions {
  spec: VmSpec;
  previous?: VmSpec;
  applyNextRun?: "reboot" | "never";
  detachOnlyDisks?: boolean;
  dataCenter?: string;
}

/** Brings an existing VM to the spec; returns what waits for the next run. */
async function converge(
  op: VmOp,
  id: string,
  o: ConvergeOptions,
): Promise<{ record: VmRecord; pending: string[] }> {
  const { spec } = o;
  const vm = await getVmWire(op, id);
  if (!vm)
    throw new NotFoundError(`VM ${spec.name} (${id}) does not exist`, {
      meta: { vendor: "ovirt", operation: "updateVm" },
    });
  let live = await recordOf(op, vm);
  const running = isRunning(live.status);
  const target = live.nextRun ? ({ ...live, ...live.nextRun } as VmRecord) : live;
  const changed = changedFields(spec, target, o.previous);
  const pending: string[] = [];
  // Unknown (an engine that shows no sign of a first boot) counts as booted: never silently ignored.
  if (changed.includes("initialization") && live.isInitialized !== false)
    pending.push(INITIALIZATION_PENDING);
  let sentForNextRun: VmField[] = [];
  if (!running) {
    await putVm(op, id, spec, changed, false);
  } else {
    const { now, next } = splitHotCold(spec, live, changed);
    await putVm(op, id, spec, now, false);
    await putVm(op, id, spec, next, true);
    sentForNextRun = next;
  }
  // NICs, disks and the CD: NICs and disks only when declared (undefined = not managed).
  const templateDisks = await templateDisksOf(op, live.template, live.name);
  if (spec.nics) {
    await reconcileNics(op, {
      vm: { id, name: spec.name, running },
      nics: spec.nics,
      current: await listNics(op, id),
      dataCenter: o.dataCenter,
    });
  }
  if (spec.disks) {
    await reconcileDisks(op, {
      vm: { id, name: spec.name },
      disks: spec.disks,
      current: await listVmDisks(op, id, templateDisks),
      previous: o.previous?.disks,
      detachOnlyDisks: o.detachOnlyDisks,
    });
  }
  if (spec.cdromIso !== undefined || live.cdromIso !== undefined) {
    await setCdrom(op, { id, name: spec.name, running }, spec.cdromIso ?? "");
  }
  // Run state; a reboot applies the next-run configuration when asked to.
  const want = spec.runState ?? "stopped";
  live = await recordOf(op, (await getVmWire(op, id)) ?? vm);
  const overrides = spec.startOverrides ?? {};
  if (
    want === "running" &&
    isRunning(live.status) &&
    live.nextRunConfigurationExists &&
    o.applyNextRun === "reboot"
  ) {
    op.onProgress?.("restarting the VM to apply its next-run configuration");
    await stopVm(op, id, spec.name, DEFAULT_SHUTDOWN_GRACE_MS);
    await startVm(op, id, spec.name, overrides);
    sentForNextRun = [];
  } else if (want === "running" && !isRunning(live.status)) {
    op.onProgress?.("starting the VM");
    await startVm(op, id, spec.name, overrides);
  } else if (want === "stopped" && live.status !== "down" && live.status !== "image_locked") {
    op.onProgress?.("stopping the VM");
    await stopVm(op, id, spec.name);
    // A VM that went down has applied its next-run configuration.
    sentForNextRun = [];
  }
  const record = await recordOf(op, (await getVmWire(op, id)) ?? vm);
  for (const f of [...sentForNextRun, ...pendingFields(record)]) if (!pending.includes(f)) pending.push(f);
  return { record, pending };
}

/**
 * Creates the VM, or adopts the VM of the same exact name in the cluster (`adopt: false` and an
 * existing VM → ConflictError naming it), then converges it.
 * @throws ConflictError, NotFoundError (cluster, template, storage domain, network), JobFailedError (a disk illegal, a start that fell back to down), TimeoutError
 */
async function ensureVmSteps(opts: {
  client: OvirtClient;
  spec: VmSpec;
  timeoutMs: number;
  onProgress?: Progress;
  adopt?: boolean;
}): Promise<{ record: VmRecord; adopted: boolean; correlationId: string }> {
  const { client, spec } = opts;
  const op = await opFor(client, "ensureVm", opts.timeoutMs, opts.onProgress);
  const cluster = await resolveCluster(client, spec.cluster);
  const existing = await findVmId(client, spec.name, cluster.id);
  let adopted = false;
  let id: string;
  if (existing) {
    if (opts.adopt === false) {
      throw new ConflictError(
        `a VM named "${spec.name}" already exists in cluster ${spec.cluster} (id ${existing})`,
        {
          meta: {
            vendor: "ovirt",
            operation: "ensureVm",
            remedy: "choose another name, import the VM, or allow adoption",
            vendorDetail: { correlationId: op.correlationId },
          },
        },
      );
    }
    adopted = true;
    id = existing;
    op.onProgress?.(`adopting the existing VM ${spec.name} (${id})`);
  } else {
    const template = spec.template ?? "Blank";
    const body = {
      name: spec.name,
      cluster: { id: cluster.id },
      template: isId(template) ? { id: template } : { name: template },
      ...vmBody(spec, op.adapter, declaredFields(spec)),
    };
    op.onProgress?.(`creating VM ${spec.name} from template ${template}`);
    id = await createOnce<string>({
      clock: client.clock,
      deadline: op.deadline,
      lookup: () => findVmId(client, spec.name, cluster.id),
      create: async () => {
        const res = await client.request({
          method: "POST",
          path: "/vms",
          body,
          operation: "addVm",
          target: spec.name,
          idempotent: false,
          correlationId: op.correlationId,
        });
        return str(obj(res.body)?.id) ?? "";
      },
    });
    if (!id) id = (await findVmId(client, spec.name, cluster.id)) ?? "";
  }
  await waitUnlocked(op, id, spec.name);
  const { record } = await converge(op, id, { spec, applyNextRun: "never", dataCenter: cluster.dataCenter });
  return { record, adopted, correlationId: op.correlationId };
}

/**
 * Changes the VM to the spec: hot where the engine allows, else through next_run (`pending`).
 * NICs and disks are reconciled both ways; a disk that goes away is detached, and its image
 * destroyed only when it was declared in `previous` and `detachOnlyDisks` is not set.
 * @throws NotFoundError (the VM is gone), InputError (a disk change that needs a replace), JobFailedError, TimeoutError
 */
async function updateVmSteps(opts: {
  client: OvirtClient;
  id: string;
  spec: VmSpec;
  previous?: VmSpec;
  applyNextRun?: "reboot" | "never";
  timeoutMs: number;
  onProgress?: Progress;
  detachOnlyDisks?: boolean;
}): Promise<{ record: VmRecord; pending: string[]; correlationId: string }> {
  const op = await opFor(opts.client, "updateVm", opts.timeoutMs, opts.onProgress);
  await waitUnlocked(op, opts.id, opts.spec.name);
  const cluster = await resolveCluster(opts.client, opts.spec.cluster).catch(() => undefined);
  const out = await converge(op, opts.id, {
    spec: opts.spec,
    previous: opts.previous,
    applyNextRun: opts.applyNextRun ?? "never",
    detachOnlyDisks: opts.detachOnlyDisks,
    dataCenter: cluster?.dataCenter,
  });
  return { ...out, correlationId: op.correlationId };
}

/**
 * Deletes the VM: delete protection → ConflictError with its remedy (nothing is stopped); a
 * running or suspended VM is stopped (ACPI, then forced); DELETE; wait for the 404.
 */
export async function removeVm(opts: {
  client: OvirtClient;
  id: string;
  detachOnlyDisks?: boolean;
  timeoutMs: number;
  onProgress?: Progress;
}): Promise<{ alreadyGone: boolean; correlationId: string }> {
  const op = await opFor(opts.client, "removeVm", opts.timeoutMs, opts.onProgress);
  const vm = await getVmWire(op, opts.id);
  if (!vm) return { alreadyGone: true, correlationId: op.correlationId };
  const name = str(vm.name) ?? opts.id;
  const record = await recordOf(op, vm);
  if (record.deleteProtected) {
    throw new ConflictError(`VM ${name} is delete-protected (Correlation-Id: ${op.correlationId})`, {
      meta: {
        vendor: "ovirt",
        operation: "removeVm",
        remedy: "set deleteProtected to false on the VM and apply, then delete it",
        vendorDetail: { correlationId: op.correlationId },
      },
    });
  }
  if (!["down", "image_locked", "unassigned"].includes(record.status)) {
    op.onProgress?.(`stopping VM ${name} before deleting it`);
    await stopVm(op, opts.id, name);
  }
  const shaped = op.adapter.removeVm(opts.id, { detachOnly: opts.detachOnlyDisks });
  op.onProgress?.(`deleting VM ${name}`);
  const res = await opts.client.request({
    method: "DELETE",
    path: shaped.path,
    query: shaped.query,
    body: shaped.body,
    operation: "removeVm",
    target: name,
    idempotent: true,
    accept: [404],
    correlationId: op.correlationId,
  });
  if (res.status === 404) return { alreadyGone: true, correlationId: op.correlationId };
  await poll({
    what: `deletion of VM ${name} (Correlation-Id: ${op.correlationId})`,
    label: "delete",
    describe: () => getVmWire(op, opts.id),
    classify: (v) =>
      v === undefined ? { status: "success", state: "gone" } : { status: "pending", state: "deleting" },
    timeoutMs: Math.max(1, op.deadline - opts.client.clock.now()),
    clock: opts.client.clock,
    onProgress: opts.onProgress,
    meta: { vendor: "ovirt", operation: "removeVm", vendorDetail: { correlationId: op.correlationId } },
  });
  return { alreadyGone: false, correlationId: op.correlationId };
}

/**
 * Creates the VM, or adopts the VM of the same exact name in the cluster, then converges it
 * (see ensureVmSteps). A failed wait quotes the engine's events for the operation.
 */
export function ensureVm(opts: Parameters<typeof ensureVmSteps>[0]): ReturnType<typeof ensureVmSteps> {
  return ensureVmSteps(opts).catch(async (err: unknown) => {
    throw await quoteEngineEvents(opts.client, err);
  });
}

/** Changes the VM to the spec (see updateVmSteps); a failed wait quotes the engine's events. */
export function updateVm(opts: Parameters<typeof updateVmSteps>[0]): ReturnType<typeof updateVmSteps> {
  return updateVmSteps(opts).catch(async (err: unknown) => {
    throw await quoteEngineEvents(opts.client, err);
  });
}
