/**
 * Reading VMs: `readVm` (the VM with its pending next-run configuration, NICs, disks, CD-ROM and
 * guest IPs; undefined on 404) and `findVmByName` (exact, case-sensitive, optionally within a
 * cluster: `search=name="…"` with `case_sensitive=true`, then an exact compare, reference §1.14).
 */
import { systemClock } from "../../core/clock";
import type { OvirtClient } from "./client";
import { list, obj, ref, str, type Wire } from "./codec";
import { guestIpsOf } from "./dialect";
import { readCdrom } from "./cdrom";
import { listVmDisks, templateDisksOf } from "./disks";
import { listNics } from "./nics";
import { getVmWire } from "./power";
import { listAll, resolveCluster, searchByName } from "./resolve";
import type { DiskRecord, NicRecord, VmOp, VmRecord } from "./vm-types";
import { readVmCore, VM_FIELDS, type VmField } from "./vm-wire";

/** An operation context for reads (nothing is written, so its Correlation-Id is never sent). */
export async function readOp(client: OvirtClient, correlationId = "", timeoutMs = 5 * 60_000): Promise<VmOp> {
  const clock = client.clock ?? systemClock;
  return { client, adapter: await client.adapter(), correlationId, deadline: clock.now() + timeoutMs };
}

/** The VM fields whose pending (next-run) value differs from the running configuration. */
export function pendingFields(record: Pick<VmRecord, "nextRun"> & Partial<VmRecord>): VmField[] {
  const next = record.nextRun;
  if (!next) return [];
  return VM_FIELDS.filter(
    (f) =>
      f !== "initialization" &&
      next[f] !== undefined &&
      JSON.stringify(next[f]) !== JSON.stringify(record[f]),
  );
}

async function guestIps(op: VmOp, vm: Wire, status: string): Promise<string[]> {
  if (!op.adapter.ipsFromReportedDevices) return guestIpsOf(vm);
  if (status !== "up") return [];
  const body = await op.client.getOrUndefined(`/vms/${str(vm.id)}/reporteddevices`, "listReportedDevices");
  return guestIpsOf(vm, list(body, "reported_device"));
}

/** Names for the ids NICs and disks refer to (best effort: a failed lookup leaves a name out). */
async function withNames(op: VmOp, nics: NicRecord[], disks: DiskRecord[]): Promise<void> {
  const quietly = <T>(p: Promise<T>): Promise<T | undefined> => p.catch(() => undefined);
  const domains = [...new Set(disks.map((d) => d.storageDomain).filter((x): x is string => !!x))];
  const domainNames = new Map<string, string | undefined>();
  await Promise.all(
    domains.map(async (id) => {
      const sd = await quietly(op.client.getOrUndefined(`/storagedomains/${id}`, "getStorageDomain"));
      domainNames.set(id, str(obj(sd)?.name));
    }),
  );
  for (const d of disks) {
    const name = d.storageDomain ? domainNames.get(d.storageDomain) : undefined;
    if (name) d.storageDomainName = name;
  }
  if (!nics.length) return;
  const [profiles, networks] = await Promise.all([
    nics.some((n) => n.vnicProfile) ? quietly(listAll(op.client, "vnicprofiles", "vnic_profile")) : undefined,
    quietly(listAll(op.client, "networks", "network")),
  ]);
  const nameById = (items: Wire[] | undefined) => new Map((items ?? []).map((x) => [str(x.id), str(x.name)]));
  const profileNames = nameById(profiles);
  const networkNames = nameById(networks);
  const profileNetwork = new Map((profiles ?? []).map((p) => [str(p.id), ref(p.network).id]));
  for (const n of nics) {
    const profileName = n.vnicProfile ? profileNames.get(n.vnicProfile) : undefined;
    if (profileName) n.vnicProfileName = profileName;
    const networkId = n.network ?? (n.vnicProfile ? profileNetwork.get(n.vnicProfile) : undefined);
    const networkName = networkId ? networkNames.get(networkId) : undefined;
    if (networkName) n.networkName = networkName;
  }
}

/** The whole VM as the engine holds it, from an already read VM object. */
export async function recordOf(op: VmOp, vm: Wire): Promise<VmRecord> {
  const core = readVmCore(vm);
  const id = core.id;
  let nextRun: VmRecord["nextRun"];
  if (core.nextRunConfigurationExists) {
    const shaped = op.adapter.nextRun(`/vms/${id}`);
    const pending = obj(await op.client.getOrUndefined(shaped.path, "getVmNextRun", shaped.query));
    if (pending) {
      const {
        id: _id,
        name: _name,
        status: _status,
        nextRunConfigurationExists: _n,
        ...fields
      } = readVmCore(pending);
      nextRun = fields;
    }
  }
  const templateDisks = await templateDisksOf(op, core.template, core.name);
  const [nics, disks, cd, ips, cluster] = await Promise.all([
    listNics(op, id),
    listVmDisks(op, id, templateDisks),
    readCdrom(op, id),
    guestIps(op, vm, core.status),
    op.client.getOrUndefined(`/clusters/${core.cluster}`, "getCluster"),
  ]);
  await withNames(op, nics, disks);
  const clusterName = str(obj(cluster)?.name);
  return {
    ...core,
    ...(clusterName ? { clusterName } : {}),
    nics,
    disks,
    ...(cd?.iso ? { cdromIso: cd.iso } : {}),
    ...(nextRun ? { nextRun } : {}),
    ips,
  };
}

/** The VM, or undefined when the engine answers 404. */
export async function readVm(client: OvirtClient, id: string): Promise<VmRecord | undefined> {
  const op = await readOp(client);
  const vm = await getVmWire(op, id);
  return vm ? recordOf(op, vm) : undefined;
}

/** The id of the VM named exactly `name` (in the cluster with id `clusterId`, when given). */
export async function findVmId(
  client: OvirtClient,
  name: string,
  clusterId?: string,
): Promise<string | undefined> {
  const found = await searchByName(client, "vms", "vm", name);
  const match = found.find((vm) => clusterId === undefined || ref(vm.cluster).id === clusterId);
  return str(match?.id);
}

/** The VM named exactly (case-sensitive) `name`, within `cluster` (name or id) when given. */
export async function findVmByName(
  client: OvirtClient,
  name: string,
  cluster?: string,
): Promise<VmRecord | undefined> {
  const clusterId = cluster ? (await resolveCluster(client, cluster)).id : undefined;
  const id = await findVmId(client, name, clusterId);
  return id ? readVm(client, id) : undefined;
}
