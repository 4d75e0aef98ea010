/**
 * VM power and status waits (seed 2.19, 2.20, 2.21; reference §1.6, §1.7). Start posts
 * `start` (with run-once overrides: boot devices and `use_cloud_init` + `vm.initialization`) and
 * waits for `up` (`down → wait_for_launch → powering_up → up`; back to `down` after it left it
 * is a failure). Stop is an ACPI `shutdown`, waited for `down` during a grace period, then a hard
 * `stop` (a guest that ignores ACPI stays `up`). "Already running" / "not running" refusals count
 * as done, so the actions are safe to repeat. Every wait is core/poll with its own progress lines.
 */
import { ConflictError, isDrplaneError, VendorError } from "../../core/errors";
import { poll, type PollVerdict } from "../../core/poll";
import { obj, toWire, type Wire } from "./codec";
import { statusOf } from "./dialect";
import { faultText, readFault } from "./errors";
import type { BootDevice, InitializationSpec, VmOp } from "./vm-types";
import { initializationWire } from "./vm-wire";

/** The ACPI grace before a hard stop, unless the caller gives one (capped by half the time left). */
export const DEFAULT_SHUTDOWN_GRACE_MS = 120_000;

/** Statuses in which a start is already under way or done (Ansible's list, reference §3.2). */
const STARTED = new Set([
  "up",
  "powering_up",
  "wait_for_launch",
  "reboot_in_progress",
  "migrating",
  "restoring_state",
]);

/** GET /vms/{id}; undefined when the engine answers 404. */
export async function getVmWire(
  op: VmOp,
  id: string,
  query?: Record<string, string>,
): Promise<Wire | undefined> {
  const body = await op.client.getOrUndefined(`/vms/${id}`, "getVm", query);
  return obj(body);
}

function timeLeft(op: VmOp): number {
  return Math.max(1, op.deadline - op.client.clock.now());
}

/** Waits on the VM's status with `classify`; a VM that disappears is a failure. */
export async function waitVm(
  op: VmOp,
  id: string,
  opts: { label: string; name: string; classify: (status: string) => PollVerdict; timeoutMs?: number },
): Promise<string> {
  const { snapshot } = await poll<Wire | undefined>({
    what: `VM ${opts.name} ${opts.label} (Correlation-Id: ${op.correlationId})`,
    label: opts.label,
    describe: () => getVmWire(op, id),
    classify: (vm) =>
      vm === undefined
        ? { status: "failure", state: "gone", message: `VM ${opts.name} (${id}) no longer exists` }
        : opts.classify(statusOf(vm) ?? "unknown"),
    timeoutMs: opts.timeoutMs ?? timeLeft(op),
    clock: op.client.clock,
    onProgress: op.onProgress,
    meta: { vendor: "ovirt", operation: opts.label, vendorDetail: { correlationId: op.correlationId } },
  });
  return statusOf(snapshot) ?? "unknown";
}

/** Waits out `image_locked` (template disks being copied) until the VM is `down` or later. */
export function waitUnlocked(op: VmOp, id: string, name: string): Promise<string> {
  return waitVm(op, id, {
    label: "wait for the VM's images",
    name,
    classify: (s) =>
      s === "image_locked" || s === "unknown"
        ? { status: "pending", state: s }
        : { status: "success", state: s },
  });
}

/** POST /vms/{id}/{action}; a reply whose status is "failed" is an error; `done` refusals are success. */
async function action(
  op: VmOp,
  id: string,
  name: string,
  verb: string,
  body: Wire,
  done: RegExp,
): Promise<boolean> {
  try {
    const res = await op.client.request({
      method: "POST",
      path: `/vms/${id}/${verb}`,
      body,
      operation: `${verb}Vm`,
      target: name,
      idempotent: true,
      correlationId: op.correlationId,
    });
    if (statusOf(res.body) === "failed") {
      const fault = readFault(res.body);
      throw new VendorError(
        `oVirt ${verb}Vm ${name}: ${faultText(fault?.detail) ?? fault?.reason ?? "failed"} (Correlation-Id: ${op.correlationId})`,
        {
          meta: {
            vendor: "ovirt",
            operation: `${verb}Vm`,
            httpStatus: res.status,
            vendorCause: fault?.reason,
            vendorDetail: { correlationId: op.correlationId },
          },
        },
      );
    }
    return true;
  } catch (err) {
    if (
      isDrplaneError(err) &&
      (err.code === "DRP_CONFLICT" || err.code === "DRP_INPUT") &&
      done.test(err.summary)
    )
      return false;
    throw err;
  }
}

export interface StartOptions {
  bootDevices?: BootDevice[];
  initialization?: InitializationSpec;
}

/** Starts the VM (run-once overrides when given) and waits for `up`. */
export async function startVm(
  op: VmOp,
  id: string,
  name: string,
  overrides: StartOptions = {},
): Promise<void> {
  const vm: Wire = {};
  if (overrides.bootDevices?.length) vm.os = { boot: op.adapter.bootWire(overrides.bootDevices) };
  if (overrides.initialization) vm.initialization = initializationWire(overrides.initialization);
  const body = toWire({
    ...(overrides.initialization ? { use_cloud_init: true } : {}),
    ...(Object.keys(vm).length ? { vm } : {}),
  }) as Wire;
  await action(op, id, name, "start", body, /VM is running|already running|is already up/i);
  let left = false;
  await waitVm(op, id, {
    label: "start",
    name,
    classify: (s) => {
      if (s === "up") return { status: "success", state: s };
      if (STARTED.has(s)) left = true;
      if (s === "down" && left) {
        return {
          status: "failure",
          state: s,
          message: `VM ${name} went back to down while starting; the engine's events say why`,
          meta: {
            remedy:
              "look at the engine's events for this Correlation-Id (host resources, a bootable disk, the cluster's CPU type)",
          },
        };
      }
      return { status: "pending", state: s };
    },
  });
}

/** ACPI shutdown, waited for `down` during `graceMs`; then a hard stop, waited for `down`. */
export async function stopVm(
  op: VmOp,
  id: string,
  name: string,
  graceMs = DEFAULT_SHUTDOWN_GRACE_MS,
): Promise<{ forced: boolean }> {
  const notRunning = /not running|VM is down|is not up/i;
  const grace = Math.min(graceMs, Math.max(1, timeLeft(op) / 2));
  if (await action(op, id, name, "shutdown", {}, notRunning)) {
    try {
      await waitVm(op, id, {
        label: "shutdown",
        name,
        timeoutMs: grace,
        classify: (s) => (s === "down" ? { status: "success", state: s } : { status: "pending", state: s }),
      });
      return { forced: false };
    } catch (err) {
      if (!isDrplaneError(err, "DRP_TIMEOUT")) throw err;
      op.onProgress?.(
        `VM ${name} did not shut down within ${Math.round(grace / 1000)} s (ACPI ignored?): stopping it`,
      );
    }
  }
  await action(op, id, name, "stop", {}, notRunning);
  await waitVm(op, id, {
    label: "stop",
    name,
    classify: (s) => (s === "down" ? { status: "success", state: s } : { status: "pending", state: s }),
  });
  return { forced: true };
}

/** True when a status counts as running for `runState` (anything but down/locked/suspended). */
export function isRunning(status: string): boolean {
  return (
    STARTED.has(status) || status === "powering_down" || status === "paused" || status === "not_responding"
  );
}

/** A refusal that names a conflict drplane cannot resolve by waiting. */
export function conflict(message: string, remedy: string, op: VmOp): ConflictError {
  return new ConflictError(`${message} (Correlation-Id: ${op.correlationId})`, {
    meta: { vendor: "ovirt", remedy, vendorDetail: { correlationId: op.correlationId } },
  });
}
