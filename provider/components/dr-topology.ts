/**
 * The DrTopology component: both sites of a DR setup declared once. It creates, as its
 * children, the storage registration (RemoteStorage), the VRG pairing (VrgPairing), each
 * protected VM's production and DR strategies (VmDrStrategy, after the pairing), with an alarm
 * receiver both VRGs' alarm servers (VrgAlarmServer) and, optionally, the DR site's standby VMs
 * (StorageDomain, Vm) and the production site's file shares (NseFileShare). Its arguments are
 * checked before anything is registered; names and child arguments come from
 * dr-topology-plan.ts and dr-topology-parts.ts.
 */
import * as pulumi from "@pulumi/pulumi";
import type { DrTopologyArgs } from "../args/dr-topology";
import { RemoteStorage } from "../resources/remote-storage";
import { VrgPairing } from "../resources/vrg-pairing";
import { VmDrStrategy } from "../resources/vrg-strategy";
import { VrgAlarmServer } from "../resources/vrg-alarm-server";
import { StorageDomain } from "../resources/ovirt-storage-domain";
import { Vm } from "../resources/ovirt-vm";
import { NseFileShare } from "../resources/nse-fileshare";
import {
  DR_TOPOLOGY_TYPE,
  alarmArgs,
  checkTopology,
  childNames,
  drStrategyArgs,
  linkArgs,
  pairingArgs,
  productionStrategyArgs,
} from "./dr-topology-plan";
import { dataDomainArgs, fileShareArgs, partNames, standbyVmArgs } from "./dr-topology-parts";

/** One protected VM's two strategies. */
export interface DrTopologyVm {
  /** Its production strategy (`<topology>-<vm>-prod`, on the production VRG). */
  production: VmDrStrategy;
  /** Its DR strategy (`<topology>-<vm>-dr`, on the DR VRG). */
  dr: VmDrStrategy;
  /** True when both strategies are healthy (no volume in an error state). */
  healthy: pulumi.Output<boolean>;
}

/** The DR site's standby VMs and their data domain. */
export interface DrTopologyStandby {
  /** The data domain (`<topology>-dr-data`), when `dr.standby.dataDomain` is given. */
  dataDomain?: StorageDomain;
  /** The standby VMs (`<topology>-<vm>-standby`), by VM name. */
  vms: Record<string, Vm>;
}

/**
 * A DR setup's two sites in one declaration (docs/dr-topology.md): the DR array registered with
 * the production one when both sites have storage, the production VRG paired with the DR VRG,
 * each protected VM's production and DR strategies, and optionally both VRGs' alarm receiver, the
 * DR site's standby VMs on oVirt / RHEV and the production site's NSE file shares. Each child keeps its own update/replace rules; a bad argument fails before any is registered.
 */
export class DrTopology extends pulumi.ComponentResource {
  /** The storage registration (`<name>-link`), when both sites have `storage`. */
  readonly storageLink?: RemoteStorage;
  /** The VRG pairing (`<name>-pairing`). */
  readonly pairing: VrgPairing;
  /** The protected VMs' strategies, by VM name. */
  readonly vms: Record<string, DrTopologyVm>;
  /** The alarm servers (`<name>-prod-traps`, `<name>-dr-traps`), when `alarmReceiver` is given. */
  readonly alarmServers?: { production: VrgAlarmServer; dr: VrgAlarmServer };
  /** The DR site's standby VMs and their data domain, when `dr.standby` is given. */
  readonly standby?: DrTopologyStandby;
  /** The production site's file shares (`<name>-<share>-share`), by share name, when `production.fileShares` is given. */
  readonly fileShares?: Record<string, NseFileShare>;

  constructor(name: string, args: DrTopologyArgs, opts?: pulumi.ComponentResourceOptions) {
    checkTopology(name, args);
    super(DR_TOPOLOGY_TYPE, name, {}, opts);
    const names = childNames(name);
    const parent = { parent: this };

    const link = linkArgs(args);
    if (link) this.storageLink = new RemoteStorage(names.link, link, parent);
    this.pairing = new VrgPairing(names.pairing, pairingArgs(args), parent);

    // Both strategies wait for the pairing, and `pulumi destroy` removes them before unpairing.
    const afterPairing = { ...parent, dependsOn: [this.pairing] };
    this.vms = {};
    for (const vm of args.protectedVms ?? []) {
      const production = new VmDrStrategy(
        names.production(vm.name),
        productionStrategyArgs(args, vm),
        afterPairing,
      );
      const dr = new VmDrStrategy(names.dr(vm.name), drStrategyArgs(args, vm), afterPairing);
      const healthy = pulumi
        .all([production.healthy, dr.healthy])
        .apply(([p, d]) => p === true && d === true);
      this.vms[vm.name] = { production, dr, healthy };
    }

    const productionTraps = alarmArgs(args, "production");
    const drTraps = alarmArgs(args, "dr");
    if (productionTraps && drTraps) {
      this.alarmServers = {
        production: new VrgAlarmServer(names.productionTraps, productionTraps, parent),
        dr: new VrgAlarmServer(names.drTraps, drTraps, parent),
      };
    }

    const parts = partNames(name);
    const standby = args.dr.standby;
    if (standby) {
      const domainArgs = dataDomainArgs(standby);
      const dataDomain = domainArgs && new StorageDomain(parts.dataDomain, domainArgs, parent);
      // The VMs' disks live on the domain: created after it, and destroyed before it.
      const afterDomain = dataDomain ? { ...parent, dependsOn: [dataDomain] } : parent;
      const vms: Record<string, Vm> = {};
      for (const vm of standby.vms)
        vms[vm.name] = new Vm(parts.standby(vm.name), standbyVmArgs(standby, vm), afterDomain);
      this.standby = { ...(dataDomain ? { dataDomain } : {}), vms };
    }

    const fileShares = args.production.fileShares;
    if (fileShares) {
      this.fileShares = {};
      for (const share of fileShares.shares)
        this.fileShares[share.name] = new NseFileShare(
          parts.share(share.name),
          fileShareArgs(fileShares, share),
          parent,
        );
    }

    this.registerOutputs({
      storageLink: this.storageLink?.id,
      pairing: this.pairing.id,
      pairingState: this.pairing.state,
      vms: Object.fromEntries(
        Object.entries(this.vms).map(([vm, s]) => [
          vm,
          { production: s.production.id, dr: s.dr.id, healthy: s.healthy },
        ]),
      ),
      alarmServers: this.alarmServers && {
        production: this.alarmServers.production.id,
        dr: this.alarmServers.dr.id,
      },
      standby: this.standby && {
        dataDomain: this.standby.dataDomain?.id,
        vms: Object.fromEntries(
          Object.entries(this.standby.vms).map(([vm, v]) => [vm, { id: v.id, status: v.status }]),
        ),
      },
      fileShares:
        this.fileShares &&
        Object.fromEntries(
          Object.entries(this.fileShares).map(([share, s]) => [share, { id: s.id, state: s.state }]),
        ),
    });
  }
}
