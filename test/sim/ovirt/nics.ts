/**
 * VM NICs (reference §1.9; seed 2.15): names unique per VM, MACs from the pool, a vNIC profile
 * (v4) or a network (v3, deprecated there but what seed 2.15 sends). Guest-reported devices:
 * v4 `/vms/{id}/reporteddevices` and `/vms/{id}/nics/{nid}/reporteddevices` (guest.ts).
 */
import { bool, obj, refOf, str, type Json } from "./codec";
import type { OvirtState } from "./engine-state";
import { conflict, incomplete, MSG } from "./errors";
import { guestNics, type GuestNic } from "./guest";
import { RUNNING_STATUSES, type NicRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { entityNotFound } from "./vm-config";

const NIC_INTERFACES = ["virtio", "e1000", "rtl8139", "pci_passthrough", "spapr_vlan"];

function renderNic(ctx: Ctx, n: NicRecord): Json {
  const c = ctx.codec;
  const base = `/vms/${n.vmId}/nics/${n.id}`;
  const out: Json = {
    id: n.id,
    href: c.href(base),
    name: n.name,
    interface: n.interface,
    linked: c.bool(n.linked),
    plugged: c.bool(n.plugged),
    mac: { address: n.mac },
    vm: c.ref("/vms", n.vmId),
  };
  if (n.vnicProfileId) out["vnic_profile"] = c.ref("/vnicprofiles", n.vnicProfileId);
  const networkId =
    n.networkId ?? (n.vnicProfileId && ctx.state.vnicProfiles.get(n.vnicProfileId)?.networkId);
  if (ctx.dialect === "v3" && networkId) out["network"] = c.ref("/networks", networkId);
  if (ctx.dialect === "v4") out["link"] = c.links(base, ["reporteddevices"]);
  return out;
}

function renderReported(ctx: Ctx, g: GuestNic): Json {
  const c = ctx.codec;
  return {
    id: `${g.nic.id.slice(0, 24)}${g.device.padStart(12, "0")}`,
    name: g.device,
    type: "network",
    description: "guest reported data",
    mac: { address: g.nic.mac },
    ips: {
      ip: [
        { address: g.ipv4, version: "v4" },
        { address: g.ipv6, version: "v6" },
      ],
    },
    vm: c.ref("/vms", g.nic.vmId),
  };
}

/** Profile from `vnic_profile` or, v3, from `network` (its profile of the same name). */
function resolveProfile(ctx: Ctx, body: Json): { vnicProfileId?: string; networkId?: string } {
  const state = ctx.state;
  const profile = refOf(body["vnic_profile"]);
  if (profile) {
    const p = profile.id
      ? state.vnicProfiles.get(profile.id)
      : [...state.vnicProfiles.values()].find((x) => x.name === profile.name);
    if (!p) throw entityNotFound("VnicProfile", profile);
    return { vnicProfileId: p.id, networkId: p.networkId };
  }
  const network = refOf(body["network"]);
  if (network) {
    const n = network.id
      ? state.networks.get(network.id)
      : [...state.networks.values()].find((x) => x.name === network.name);
    if (!n) throw entityNotFound("Network", network);
    const p = [...state.vnicProfiles.values()].find((x) => x.networkId === n.id);
    return { vnicProfileId: p?.id, networkId: n.id };
  }
  return {};
}

function macInUse(state: OvirtState, mac: string, except?: string): boolean {
  return [...state.nics.values()].some((n) => n.id !== except && n.mac.toLowerCase() === mac.toLowerCase());
}

export function installNicRoutes(router: OvirtRouter): void {
  router.add("GET", "/vms/:id/nics", (ctx) => {
    const vm = ctx.state.vm(ctx.params["id"]);
    return {
      status: 200,
      body: ctx.codec.collection(
        "nic",
        ctx.state.nicsOf(vm.id).map((n) => renderNic(ctx, n)),
      ),
    };
  });
  router.add("POST", "/vms/:id/nics", (ctx) => {
    const state = ctx.state;
    const vm = state.vm(ctx.params["id"]);
    if (vm.status === "image_locked" || vm.removing) throw conflict(MSG.objectLocked("add", "Interface"));
    const body = ctx.body();
    const name = str(body["name"]);
    if (name === undefined) throw incomplete("NIC", "name");
    if (state.nicsOf(vm.id).some((n) => n.name === name))
      throw conflict("Cannot add Interface. The VM already has a network interface with the same name.");
    const iface = str(body["interface"]) ?? "virtio";
    if (!NIC_INTERFACES.includes(iface))
      throw conflict(`Cannot add Interface. Invalid interface type '${iface}'.`);
    const mac = str(obj(body["mac"])?.["address"]) ?? state.newMac();
    if (macInUse(state, mac)) throw conflict("Cannot add Interface. MAC Address is already in use.");
    const nic: NicRecord = {
      id: state.newId(),
      vmId: vm.id,
      name,
      interface: iface,
      mac,
      linked: bool(body["linked"], "linked") ?? true,
      plugged: bool(body["plugged"], "plugged") ?? true,
      ...resolveProfile(ctx, body),
    };
    state.nics.set(nic.id, nic);
    return {
      status: 201,
      headers: { Location: ctx.codec.href(`/vms/${vm.id}/nics/${nic.id}`) },
      body: renderNic(ctx, nic),
    };
  });
  router.add("GET", "/vms/:id/nics/:nid", (ctx) => {
    const vm = ctx.state.vm(ctx.params["id"]);
    return { status: 200, body: renderNic(ctx, ctx.state.nic(vm.id, ctx.params["nid"])) };
  });
  router.add("PUT", "/vms/:id/nics/:nid", (ctx) => {
    const state = ctx.state;
    const vm = state.vm(ctx.params["id"]);
    const nic = state.nic(vm.id, ctx.params["nid"]);
    const body = ctx.body();
    const name = str(body["name"]);
    if (name !== undefined && name !== nic.name) {
      if (state.nicsOf(vm.id).some((n) => n.name === name))
        throw conflict("Cannot edit Interface. The VM already has a network interface with the same name.");
      nic.name = name;
    }
    const iface = str(body["interface"]);
    if (iface !== undefined && iface !== nic.interface) {
      if (RUNNING_STATUSES.has(vm.status) && nic.plugged)
        throw conflict("Cannot edit Interface. The interface type of a plugged interface cannot be changed.");
      nic.interface = iface;
    }
    const mac = str(obj(body["mac"])?.["address"]);
    if (mac !== undefined && mac !== nic.mac) {
      if (macInUse(state, mac, nic.id))
        throw conflict("Cannot edit Interface. MAC Address is already in use.");
      nic.mac = mac;
    }
    if (body["vnic_profile"] !== undefined || body["network"] !== undefined) {
      const p = resolveProfile(ctx, body);
      nic.vnicProfileId = p.vnicProfileId;
      nic.networkId = p.networkId;
    }
    const linked = bool(body["linked"], "linked");
    if (linked !== undefined) nic.linked = linked;
    const plugged = bool(body["plugged"], "plugged");
    if (plugged !== undefined) nic.plugged = plugged;
    return { status: 200, body: renderNic(ctx, nic) };
  });
  router.add("DELETE", "/vms/:id/nics/:nid", (ctx) => {
    const state = ctx.state;
    const vm = state.vm(ctx.params["id"]);
    const nic = state.nic(vm.id, ctx.params["nid"]);
    if (RUNNING_STATUSES.has(vm.status) && nic.plugged)
      throw conflict(
        "Cannot remove Interface. Active Interface cannot be removed from a running VM, please unplug it first.",
      );
    state.nics.delete(nic.id);
    return { status: 200 };
  });
  const v4 = { dialects: ["v4"] as const };
  router.add(
    "GET",
    "/vms/:id/reporteddevices",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const items = guestNics(ctx.state, vm).map((g) => renderReported(ctx, g));
      return { status: 200, body: ctx.codec.collection("reported_device", items) };
    },
    v4,
  );
  router.add(
    "GET",
    "/vms/:id/nics/:nid/reporteddevices",
    (ctx) => {
      const vm = ctx.state.vm(ctx.params["id"]);
      const nic = ctx.state.nic(vm.id, ctx.params["nid"]);
      const items = guestNics(ctx.state, vm)
        .filter((g) => g.nic.id === nic.id)
        .map((g) => renderReported(ctx, g));
      return { status: 200, body: ctx.codec.collection("reported_device", items) };
    },
    v4,
  );
}
