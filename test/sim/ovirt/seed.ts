/**
 * The inventory a fresh engine starts with. Names and ids from seed 002 where it prints them
 * (2.3 Default data center, 2.4 Default cluster, 2.5 ovirtmgmt, 2.6/2.9 host Atlantic, 2.14 the
 * Blank template, 2.17/2.20 the ISO files); everything else is **invented**.
 */
import type { OvirtState } from "./engine-state";
import type { OvirtSeedOptions } from "./modes";
import { ZERO_GUID } from "./models";

export const SEED_IDS = {
  dataCenter: "d8b74b20-c6e1-11e1-87a3-00163e77e2ed", // seed 2.3
  cluster: "99408929-82cf-4dc7-a532-9d998063fa95", // seed 2.4
  network: "00000000-0000-0000-0000-000000000009", // seed 2.5
  host: "5b333c18-f224-11e1-9bdd-00163e77e2ed", // seed 2.6
  blankTemplate: ZERO_GUID, // reference §1.4
  vnicProfile: "0000000a-000a-000a-000a-000000000398", // invented
  isoDomain: "5a1e0e57-0000-4000-8000-0000000150d0", // invented
  dataDomain: "da7a0000-0000-4000-8000-00000000da7a", // invented
  diskTemplate: "7e3a1a7e-0000-4000-8000-000000007e3a", // invented
} as const;

/** Seed 2.17 ("RHEL6.3-Server-x86_64-DVD1.iso") and 2.20 (windows ISO, virtio-win floppy). */
export const DEFAULT_ISO_FILES = [
  "RHEL6.3-Server-x86_64-DVD1.iso",
  "windows_example.iso",
  "virtio-win_x86.vfd",
];

const GiB = 1024 ** 3;

export function seedInventory(state: OvirtState, seed: OvirtSeedOptions): void {
  const v = state.productVersion();
  const version = { major: v.major, minor: v.minor };
  state.dataCenters.set(SEED_IDS.dataCenter, {
    id: SEED_IDS.dataCenter,
    name: "Default",
    description: "The default Data Center",
    storageType: "nfs",
    local: false,
    version,
  });
  state.clusters.set(SEED_IDS.cluster, {
    id: SEED_IDS.cluster,
    name: "Default",
    dataCenterId: SEED_IDS.dataCenter,
    cpuType: "Intel Westmere Family",
    version,
  });
  state.networks.set(SEED_IDS.network, {
    id: SEED_IDS.network,
    name: "ovirtmgmt",
    description: "Management Network",
    dataCenterId: SEED_IDS.dataCenter,
    vmNetwork: true,
  });
  state.vnicProfiles.set(SEED_IDS.vnicProfile, {
    id: SEED_IDS.vnicProfile,
    name: "ovirtmgmt",
    networkId: SEED_IDS.network,
  });
  state.hosts.set(SEED_IDS.host, {
    id: SEED_IDS.host,
    name: "Atlantic",
    address: "192.0.43.20",
    clusterId: SEED_IDS.cluster,
    status: "up",
  });
  (seed.pendingHosts ?? ["Pacific"]).forEach((name, i) => addPendingHost(state, name, `192.0.43.${30 + i}`));
  state.templates.set(SEED_IDS.blankTemplate, {
    id: SEED_IDS.blankTemplate,
    name: "Blank",
    description: "Blank template",
    memory: GiB,
    osType: "other",
    disks: [],
  });
  state.templates.set(SEED_IDS.diskTemplate, {
    id: SEED_IDS.diskTemplate,
    name: "rhel7-tmpl",
    description: "RHEL 7 with a 10 GiB system disk",
    memory: 2 * GiB,
    osType: "rhel_7x64",
    disks: [
      {
        alias: "rhel7-tmpl_Disk1",
        provisionedSize: 10 * GiB,
        format: "cow",
        sparse: true,
        bootable: true,
        interface: "virtio",
      },
    ],
  });
  state.domains.set(SEED_IDS.isoDomain, {
    id: SEED_IDS.isoDomain,
    name: "ISO_DOMAIN",
    type: "iso",
    storageType: "nfs",
    address: "192.0.43.10",
    path: "/storage/iso0",
    storageFormat: "v1",
    hostId: SEED_IDS.host,
    dataCenterId: SEED_IDS.dataCenter,
    status: "active",
    master: false,
    availableBytes: 100 * GiB,
    usedBytes: 10 * GiB,
    files: [...(seed.isoFiles ?? DEFAULT_ISO_FILES)],
  });
  state.usedExports.add("192.0.43.10:/storage/iso0");
  if (seed.dataDomain ?? true) {
    state.domains.set(SEED_IDS.dataDomain, {
      id: SEED_IDS.dataDomain,
      name: "data0",
      type: "data",
      storageType: "nfs",
      address: "192.0.43.10",
      path: "/storage/data0",
      storageFormat: v.major >= 4 ? "v4" : "v3",
      hostId: SEED_IDS.host,
      dataCenterId: SEED_IDS.dataCenter,
      status: "active",
      master: true,
      availableBytes: 1024 * GiB,
      usedBytes: 0,
      files: [],
    });
    state.usedExports.add("192.0.43.10:/storage/data0");
  }
}

/** A host that registered itself and waits for approval (seed 2.9). */
export function addPendingHost(state: OvirtState, name: string, address = "192.0.43.99"): string {
  const id = state.newId();
  state.hosts.set(id, { id, name, address, clusterId: SEED_IDS.cluster, status: "pending_approval" });
  return id;
}
