/**
 * A VM's NICs (seed 2.15; reference §1.9, §2): listing them, and reconciling them both ways with
 * the declared NICs by name (names are unique per VM): missing ones added, a changed interface or
 * vNIC profile updated, undeclared ones removed (unplugged first while the VM runs, UNCONFIRMED
 * as required). v4 links a NIC to a vNIC profile; v3 takes the profile or the (deprecated) network,
 * as the seed's `params.NIC(network=…)` does.
 */
import { createOnce } from "../../core/retry";
import { at, list, obj, ref, str, toWire, type Wire } from "./codec";
import { resolveNetwork, resolveVnicProfile } from "./resolve";
import type { NicRecord, NicSpec, VmOp } from "./vm-types";

export async function listNics(op: VmOp, vmId: string): Promise<NicRecord[]> {
  const res = await op.client.request({
    method: "GET",
    path: `/vms/${vmId}/nics`,
    operation: "listNics",
    idempotent: true,
  });
  return list(res.body, "nic").map((n) => ({
    id: str(n.id) ?? "",
    name: str(n.name) ?? "",
    ...(str(n.interface) ? { interface: str(n.interface) } : {}),
    ...(ref(n.vnic_profile).id ? { vnicProfile: ref(n.vnic_profile).id } : {}),
    ...(ref(n.network).id ? { network: ref(n.network).id } : {}),
    ...(str(at(n, "mac", "address")) ? { mac: str(at(n, "mac", "address")) } : {}),
  }));
}

/** Where a declared NIC plugs in: a vNIC profile id (v4, or v3 given one) or a network id (v3). */
async function linkOf(
  op: VmOp,
  spec: NicSpec,
  dataCenter?: string,
): Promise<{ vnicProfile?: string; network?: string }> {
  const networkId = spec.network ? await resolveNetwork(op.client, spec.network, dataCenter) : undefined;
  if (op.adapter.dialect === "v3" && !spec.vnicProfile) return networkId ? { network: networkId } : {};
  const profile = await resolveVnicProfile(op.client, {
    vnicProfile: spec.vnicProfile,
    networkId,
    networkName: spec.network,
  });
  return profile ? { vnicProfile: profile } : {};
}

function nicBody(spec: NicSpec, link: { vnicProfile?: string; network?: string }): Wire {
  return toWire({
    name: spec.name,
    interface: spec.interface ?? "virtio",
    ...(link.vnicProfile ? { vnic_profile: { id: link.vnicProfile } } : {}),
    ...(link.network ? { network: { id: link.network } } : {}),
  }) as Wire;
}

export interface NicPlanOptions {
  vm: { id: string; name: string; running: boolean };
  nics: NicSpec[];
  current: NicRecord[];
  dataCenter?: string;
}

export async function reconcileNics(op: VmOp, o: NicPlanOptions): Promise<void> {
  const { vm } = o;
  const byName = new Map(o.current.map((n) => [n.name, n]));
  for (const spec of o.nics) {
    const link = await linkOf(op, spec, o.dataCenter);
    const have = byName.get(spec.name);
    if (!have) {
      op.onProgress?.(`adding NIC ${spec.name}`);
      await createOnce<string>({
        clock: op.client.clock,
        deadline: op.deadline,
        lookup: async () => (await listNics(op, vm.id)).find((n) => n.name === spec.name)?.id,
        create: async () => {
          const res = await op.client.request({
            method: "POST",
            path: `/vms/${vm.id}/nics`,
            body: nicBody(spec, link),
            operation: "addNic",
            target: `${vm.name}/${spec.name}`,
            idempotent: false,
            correlationId: op.correlationId,
          });
          return str(obj(res.body)?.id) ?? "";
        },
      });
      continue;
    }
    const ifaceChanged = spec.interface !== undefined && have.interface !== spec.interface;
    const linkChanged =
      (link.vnicProfile !== undefined && have.vnicProfile !== link.vnicProfile) ||
      (link.network !== undefined && have.network !== link.network);
    if (ifaceChanged || linkChanged) {
      op.onProgress?.(`updating NIC ${spec.name}`);
      await op.client.request({
        method: "PUT",
        path: `/vms/${vm.id}/nics/${have.id}`,
        body: nicBody(spec, link),
        operation: "updateNic",
        target: `${vm.name}/${spec.name}`,
        idempotent: true,
        correlationId: op.correlationId,
      });
    }
  }
  const declared = new Set(o.nics.map((n) => n.name));
  for (const have of o.current) {
    if (declared.has(have.name)) continue;
    op.onProgress?.(`removing NIC ${have.name}`);
    if (vm.running) {
      await op.client.request({
        method: "PUT",
        path: `/vms/${vm.id}/nics/${have.id}`,
        body: { plugged: "false" },
        operation: "unplugNic",
        target: `${vm.name}/${have.name}`,
        idempotent: true,
        accept: [404],
        correlationId: op.correlationId,
      });
    }
    await op.client.request({
      method: "DELETE",
      path: `/vms/${vm.id}/nics/${have.id}`,
      operation: "removeNic",
      target: `${vm.name}/${have.name}`,
      idempotent: true,
      accept: [404],
      correlationId: op.correlationId,
    });
  }
}
