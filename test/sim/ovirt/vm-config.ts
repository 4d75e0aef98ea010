/**
 * A VM's configuration on the wire: reading a (partial) VM body in either dialect, and the
 * update rule for a running VM (reference §1.11): hot-settable changes apply live, every other
 * change becomes the pending next-run configuration (`next_run_configuration_exists`), and
 * `next_run=true` defers everything.
 */
import { bool, num, obj, refOf, str, type Json } from "./codec";
import { badRequest, EngineFault } from "./errors";
import type { VmConfig } from "./models";
import type { Ctx } from "./router";

const MiB = 1024 ** 2;
/** Memory hot-plug granularity (reference §1.11: 256 MiB by default). */
export const HOTPLUG_FACTOR = 256 * MiB;

export type VmPatch = Partial<VmConfig>;

/** Reads the configuration fields present in a VM body (absent fields stay absent). */
export function parseVmPatch(ctx: Ctx, body: Json): VmPatch {
  const p: VmPatch = {};
  const name = str(body["name"]);
  if (name !== undefined) {
    if (!/^[\w.-]{1,64}$/.test(name))
      throw badRequest(
        "Cannot add VM. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-', '.' are allowed.",
      );
    p.name = name;
  }
  const description = str(body["description"]);
  if (description !== undefined) p.description = description;
  const comment = str(body["comment"]);
  if (comment !== undefined) p.comment = comment;
  const memory = num(body["memory"], "memory");
  if (memory !== undefined) p.memory = memory;
  const policy = obj(body["memory_policy"]);
  const guaranteed = num(policy?.["guaranteed"], "memory_policy.guaranteed");
  if (guaranteed !== undefined) p.memoryGuaranteed = guaranteed;
  const max = num(policy?.["max"], "memory_policy.max");
  if (max !== undefined) p.memoryMax = max;
  const topology = obj(obj(body["cpu"])?.["topology"]);
  const sockets = num(topology?.["sockets"], "cpu.topology.sockets");
  if (sockets !== undefined) p.sockets = sockets;
  const cores = num(topology?.["cores"], "cpu.topology.cores");
  if (cores !== undefined) p.cores = cores;
  const threads = num(topology?.["threads"], "cpu.topology.threads");
  if (threads !== undefined) p.threads = threads;
  const os = obj(body["os"]);
  const osType = str(os?.["type"]);
  if (osType !== undefined) p.osType = osType;
  const boot = ctx.codec.parseBoot(os?.["boot"]);
  if (boot !== undefined) {
    const bad = boot.find((d) => !["hd", "cdrom", "network"].includes(d));
    if (bad !== undefined) throw badRequest(`Invalid boot device '${bad}'`);
    p.bootDevices = boot;
  }
  const ha = obj(body["high_availability"]);
  const haEnabled = bool(ha?.["enabled"], "high_availability.enabled");
  if (haEnabled !== undefined) p.haEnabled = haEnabled;
  const haPriority = num(ha?.["priority"], "high_availability.priority");
  if (haPriority !== undefined) p.haPriority = haPriority;
  const deleteProtected = bool(body["delete_protected"], "delete_protected");
  if (deleteProtected !== undefined) p.deleteProtected = deleteProtected;
  const stateless = bool(body["stateless"], "stateless");
  if (stateless !== undefined) p.stateless = stateless;
  const type = str(body["type"]);
  if (type !== undefined) p.type = type;
  const init = obj(body["initialization"]);
  if (init !== undefined) p.initialization = structuredClone(init);
  const cluster = refOf(body["cluster"]);
  if (cluster) {
    const found = cluster.id
      ? ctx.state.clusters.get(cluster.id)
      : [...ctx.state.clusters.values()].find((c) => c.name === cluster.name);
    if (!found) throw entityNotFound("Cluster", cluster);
    p.clusterId = found.id;
  }
  return p;
}

/** 404 "Entity not found" for a reference to nothing (**UNCONFIRMED** body). */
export function entityNotFound(type: string, ref: { id?: string; name?: string }): EngineFault {
  const what = ref.id !== undefined ? `id=${ref.id}` : `name=${ref.name ?? ""}`;
  return new EngineFault(404, [`Entity not found: ${type}: ${what}`], "Operation Failed", true);
}

/** Memory sanity checks shared by add and edit (AppErrors texts; **UNCONFIRMED** wording). */
export function checkMemory(cfg: VmConfig, verb: "add" | "edit"): void {
  if (cfg.memory <= 0) throw badRequest(`Cannot ${verb} VM. Memory size must be positive.`);
  if (cfg.memoryGuaranteed > cfg.memory)
    throw badRequest(`Cannot ${verb} VM. Physical Memory Guaranteed cannot exceed Memory Size.`);
  if (cfg.memoryMax < cfg.memory)
    throw badRequest(
      `Cannot ${verb} VM. Maximum memory size should be greater than or equal to memory size.`,
    );
}

/** Fields that differ between `cfg` and `patch`. */
export function changedFields(cfg: VmConfig, patch: VmPatch): Array<keyof VmConfig> {
  return (Object.keys(patch) as Array<keyof VmConfig>).filter(
    (k) => JSON.stringify(cfg[k]) !== JSON.stringify(patch[k]),
  );
}

/** Fields a running VM takes live (besides memory/sockets increases); **UNCONFIRMED** list. */
const LIVE_FIELDS = new Set<keyof VmConfig>([
  "name",
  "description",
  "comment",
  "deleteProtected",
  "haEnabled",
  "haPriority",
]);

/**
 * Splits a running VM's update into live and pending parts: memory increases in multiples of
 * 256 MiB up to memory_policy.max and CPU socket increases are hot-plugged; other fields in
 * LIVE_FIELDS apply live; the rest is pending.
 */
export function splitLive(cfg: VmConfig, patch: VmPatch): { live: VmPatch; pending: VmPatch } {
  const live: VmPatch = {};
  const pending: VmPatch = {};
  for (const key of changedFields(cfg, patch)) {
    const value = patch[key];
    if (key === "memory") {
      const target = value as number;
      const delta = target - cfg.memory;
      const maxOk = target <= (patch.memoryMax ?? cfg.memoryMax);
      if (delta > 0 && delta % HOTPLUG_FACTOR === 0 && maxOk) live.memory = target;
      else pending.memory = target;
    } else if (key === "sockets") {
      if ((value as number) > cfg.sockets) live.sockets = value as number;
      else pending.sockets = value as number;
    } else if (LIVE_FIELDS.has(key)) {
      Object.assign(live, { [key]: value });
    } else {
      Object.assign(pending, { [key]: value });
    }
  }
  return { live, pending };
}

export function applyPatch(cfg: VmConfig, patch: VmPatch): VmConfig {
  return { ...structuredClone(cfg), ...structuredClone(patch) };
}
