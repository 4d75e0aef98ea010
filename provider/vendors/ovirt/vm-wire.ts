/**
 * A VM's own fields on the wire (reference §1.4, §1.5, §1.11): reading the engine's VM object
 * into the record's fields (memory in bytes → MiB, `memory_policy`, `cpu.topology`, `os`, boot
 * devices in either dialect, `high_availability.enabled`, `delete_protected`, initialization with
 * its NIC configurations; `root_password` is never read), writing a spec's fields as a POST/PUT
 * body, and deciding which declared fields differ from what the engine holds.
 */
import { at, bool, bytesToMiB, MIB, nested, num, obj, ref, str, toWire, type Wire } from "./codec";
import { bootDevicesOf, statusOf, type DialectAdapter } from "./dialect";
import type { InitializationSpec, NicConfigurationSpec, VmRecord, VmSpec } from "./vm-types";

/** The VM fields a spec manages (each compared and written on its own). */
export const VM_FIELDS = [
  "memoryMiB",
  "memoryGuaranteedMiB",
  "memoryMaxMiB",
  "cpu",
  "osType",
  "bootDevices",
  "description",
  "highAvailability",
  "deleteProtected",
  "initialization",
] as const;
export type VmField = (typeof VM_FIELDS)[number];

export type VmCore = Omit<VmRecord, "nics" | "disks" | "ips" | "cdromIso" | "nextRun" | "clusterName">;

function initializationOf(vm: unknown): VmRecord["initialization"] {
  const init = obj(at(vm, "initialization"));
  if (!init) return undefined;
  const nics: NicConfigurationSpec[] = nested(init, "nic_configurations", "nic_configuration").map((n) => ({
    name: str(n.name) ?? "",
    bootProtocol: (str(n.boot_protocol) ?? "none") as NicConfigurationSpec["bootProtocol"],
    ...(str(at(n, "ip", "address")) ? { address: str(at(n, "ip", "address")) } : {}),
    ...(str(at(n, "ip", "netmask")) ? { netmask: str(at(n, "ip", "netmask")) } : {}),
    ...(str(at(n, "ip", "gateway")) ? { gateway: str(at(n, "ip", "gateway")) } : {}),
    ...(bool(n.on_boot) !== undefined ? { onBoot: bool(n.on_boot) } : {}),
  }));
  const out: Omit<InitializationSpec, "rootPassword"> = {
    ...(str(init.host_name) ? { hostName: str(init.host_name) } : {}),
    ...(str(init.user_name) ? { userName: str(init.user_name) } : {}),
    ...(str(init.authorized_ssh_keys) ? { authorizedSshKeys: str(init.authorized_ssh_keys) } : {}),
    ...(str(init.custom_script) ? { customScript: str(init.custom_script) } : {}),
    ...(str(init.dns_servers) ? { dnsServers: str(init.dns_servers) } : {}),
    ...(str(init.dns_search) ? { dnsSearch: str(init.dns_search) } : {}),
    ...(str(init.timezone) ? { timezone: str(init.timezone) } : {}),
    ...(nics.length ? { nicConfigurations: nics } : {}),
  };
  return Object.keys(out).length ? out : undefined;
}

/** Statuses only a VM that has booted can be in. */
const BOOTED = new Set([
  "up",
  "powering_up",
  "powering_down",
  "reboot_in_progress",
  "migrating",
  "paused",
  "suspended",
  "saving_state",
  "restoring_state",
  "not_responding",
]);

/**
 * Whether the VM has booted once (the engine applies a persisted initialization only before
 * that). Read from `is_initialized`/`initialized` when the engine shows it; else a VM with a
 * `start_time`/`stop_time`, or in a status only a booted VM can be in, has booted; else unknown
 * (UNCONFIRMED: the v4 model documents no is_initialized; start_time is its Vm's start date).
 */
function initializedOf(vm: Wire): boolean | undefined {
  const flag = bool(vm.is_initialized) ?? bool(vm.initialized);
  if (flag !== undefined) return flag;
  if (vm.start_time !== undefined || vm.stop_time !== undefined) return true;
  return BOOTED.has(statusOf(vm) ?? "") ? true : undefined;
}

/** The record's own fields from the engine's VM object (either dialect). */
export function readVmCore(vm: Wire): VmCore {
  const topology = at(vm, "cpu", "topology");
  const maxMiB = bytesToMiB(num(at(vm, "memory_policy", "max")));
  const guaranteedMiB = bytesToMiB(num(at(vm, "memory_policy", "guaranteed")));
  const isInitialized = initializedOf(vm);
  const initialization = initializationOf(vm);
  return {
    id: str(vm.id) ?? "",
    name: str(vm.name) ?? "",
    cluster: ref(vm.cluster).id ?? "",
    ...(ref(vm.template).id ? { template: ref(vm.template).id } : {}),
    status: statusOf(vm) ?? "unknown",
    memoryMiB: bytesToMiB(num(vm.memory)) ?? 0,
    ...(guaranteedMiB !== undefined ? { memoryGuaranteedMiB: guaranteedMiB } : {}),
    ...(maxMiB !== undefined ? { memoryMaxMiB: maxMiB } : {}),
    cpu: {
      sockets: num(at(topology, "sockets")) ?? 1,
      cores: num(at(topology, "cores")) ?? 1,
      threads: num(at(topology, "threads")) ?? 1,
    },
    ...(str(at(vm, "os", "type")) ? { osType: str(at(vm, "os", "type")) } : {}),
    bootDevices: bootDevicesOf(vm),
    ...(str(vm.description) ? { description: str(vm.description) } : {}),
    highAvailability: bool(at(vm, "high_availability", "enabled")) ?? false,
    deleteProtected: bool(vm.delete_protected) ?? false,
    ...(isInitialized !== undefined ? { isInitialized } : {}),
    ...(initialization ? { initialization } : {}),
    nextRunConfigurationExists: bool(vm.next_run_configuration_exists) ?? false,
  };
}

/** The wire form of an initialization (persisted, or run-once in a start action). */
export function initializationWire(init: InitializationSpec): Wire {
  return {
    host_name: init.hostName,
    user_name: init.userName,
    root_password: init.rootPassword,
    authorized_ssh_keys: init.authorizedSshKeys,
    custom_script: init.customScript,
    dns_servers: init.dnsServers,
    dns_search: init.dnsSearch,
    timezone: init.timezone,
    ...(init.nicConfigurations?.length
      ? {
          nic_configurations: {
            nic_configuration: init.nicConfigurations.map((n) => ({
              name: n.name,
              boot_protocol: n.bootProtocol,
              on_boot: n.onBoot ?? true,
              ...(n.address || n.netmask || n.gateway
                ? { ip: { address: n.address, netmask: n.netmask, gateway: n.gateway } }
                : {}),
            })),
          },
        }
      : {}),
  };
}

/** A body holding `fields` of `spec` (strings on the wire); memory policy parts are merged. */
export function vmBody(spec: VmSpec, adapter: DialectAdapter, fields: readonly VmField[]): Wire {
  const body: Wire = {};
  const policy: Wire = {};
  for (const f of fields) {
    switch (f) {
      case "memoryMiB":
        body.memory = spec.memoryMiB * MIB;
        break;
      case "memoryGuaranteedMiB":
        if (spec.memoryGuaranteedMiB !== undefined) policy.guaranteed = spec.memoryGuaranteedMiB * MIB;
        break;
      case "memoryMaxMiB":
        if (spec.memoryMaxMiB !== undefined) policy.max = spec.memoryMaxMiB * MIB;
        break;
      case "cpu":
        if (spec.cpu) body.cpu = { topology: { ...spec.cpu } };
        break;
      case "osType":
      case "bootDevices": {
        const os = (body.os as Wire | undefined) ?? {};
        if (f === "osType") os.type = spec.osType ?? "other";
        else if (spec.bootDevices) os.boot = adapter.bootWire(spec.bootDevices);
        body.os = os;
        break;
      }
      case "description":
        body.description = spec.description ?? "";
        break;
      case "highAvailability":
        body.high_availability = { enabled: spec.highAvailability ?? false };
        break;
      case "deleteProtected":
        body.delete_protected = spec.deleteProtected ?? false;
        break;
      case "initialization":
        if (spec.initialization) body.initialization = initializationWire(spec.initialization);
        break;
    }
  }
  if (Object.keys(policy).length) body.memory_policy = policy;
  return toWire(body) as Wire;
}

/** The fields of a create: every declared one (osType defaults to "other"). */
export function declaredFields(spec: VmSpec): VmField[] {
  return VM_FIELDS.filter((f) => f === "memoryMiB" || f === "osType" || spec[f] !== undefined);
}

function sameInit(
  want: InitializationSpec,
  have: VmRecord["initialization"],
  previous?: InitializationSpec,
): boolean {
  const { rootPassword, ...declared } = want;
  if (rootPassword !== undefined && previous !== undefined && rootPassword !== previous.rootPassword)
    return false;
  const live = (have ?? {}) as Record<string, unknown>;
  for (const [k, v] of Object.entries(declared)) {
    if (v === undefined) continue;
    if (JSON.stringify(normalise(v)) !== JSON.stringify(normalise(live[k]))) return false;
  }
  return true;
}

function normalise(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalise);
  if (v && typeof v === "object") {
    const o = v as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(o)
        .filter((k) => o[k] !== undefined && !(k === "onBoot" && o[k] === true))
        .sort()
        .map((k) => [k, normalise(o[k])]),
    );
  }
  return v;
}

/** The declared fields whose value differs from `live` (the VM, or its pending configuration). */
export function changedFields(spec: VmSpec, live: Partial<VmRecord>, previous?: VmSpec): VmField[] {
  const out: VmField[] = [];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  for (const f of VM_FIELDS) {
    const want = spec[f];
    if (want === undefined) continue;
    if (f === "initialization") {
      if (!sameInit(spec.initialization!, live.initialization, previous?.initialization)) out.push(f);
      continue;
    }
    if (f === "description" && (want ?? "") === (live.description ?? "")) continue;
    if (!same(want, live[f])) out.push(f);
  }
  return out;
}
