/**
 * What the guest agent reports (reference §1.9, §2 table): IPs appear `guestAgentMs` after `up`
 * and only with an agent. A NIC named in the VM's cloud-init `nic_configurations` with a static
 * address reports that address; otherwise an address derived from the VM id (**invented**).
 * v4 reads them from `reporteddevices`, v3 from `guest_info.ips` on the VM.
 */
import type { OvirtState } from "./engine-state";
import type { NicRecord, VmRecord } from "./models";
import { listOf, obj, str } from "./codec";

export interface GuestNic {
  nic: NicRecord;
  /** Guest device name: eth0, eth1, ... in NIC creation order. */
  device: string;
  ipv4: string;
  ipv6: string;
}

function staticAddress(vm: VmRecord, device: string): string | undefined {
  const init = vm.boots.find((b) => b.initialization)?.initialization;
  const configs = listOf(
    obj(init?.["nic_configurations"]) ?? init?.["nic_configurations"],
    "nic_configuration",
  );
  for (const c of configs) {
    const o = obj(c);
    if (str(o?.["name"]) !== device) continue;
    const address = str(obj(o?.["ip"])?.["address"]);
    if (address) return address;
  }
  return undefined;
}

/** The reported NICs, or [] while the agent has not reported (or the VM is not running). */
export function guestNics(state: OvirtState, vm: VmRecord): GuestNic[] {
  if (vm.ipsAt === undefined || state.now() < vm.ipsAt || vm.status !== "up") return [];
  const seed = parseInt(vm.id.replace(/-/g, "").slice(0, 4), 16);
  return state.nicsOf(vm.id).map((nic, i) => {
    const device = `eth${i}`;
    const ipv4 = staticAddress(vm, device) ?? `10.${(seed >> 8) % 256}.${seed % 256}.${10 + i}`;
    return { nic, device, ipv4, ipv6: `fe80::${(seed % 0xffff).toString(16)}:${(10 + i).toString(16)}` };
  });
}
