/**
 * Engine test program: examples/dr-topology (the DR array registered with the production one,
 * the VRGs paired, the ERP VM protected on both sides, both VRGs' alarm receiver, the DR site's
 * standby VM on its NFS data domain, the ERP file share on NSE with DR enabled) declared with one
 * DrTopology component instead of resource by resource. Where the systems are comes from the
 * same stack config keys as the example's; alarmReceiverIp, drEngineEndpoint and nseEndpoint are
 * optional (without them the component declares no alarm servers, no standby VM, no share).
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

const config = new pulumi.Config();
const alarmIp = config.get("alarmReceiverIp");
const engineEndpoint = config.get("drEngineEndpoint");
const nseEndpoint = config.get("nseEndpoint");

/** The DR site's standby VM, as examples/dr-topology's standbyVm() declares it. */
const standby = (endpoint: string) => ({
  engine: { endpoint, profile: config.get("drEngineProfile") ?? "ovirt-dr" },
  dataDomain: {
    name: "dr-data",
    type: "data" as const,
    host: config.get("drHost") ?? "Atlantic",
    address: config.require("drNfsAddress"),
    path: config.require("drNfsPath"),
    dataCenter: config.get("drDataCenter") ?? "Default",
  },
  vms: [
    {
      name: "erp-standby",
      cluster: config.get("drCluster") ?? "Default",
      memoryMiB: 4096,
      cpu: { sockets: 1, cores: 2, threads: 1 },
      osType: "rhel_7x64",
      bootDevices: ["hd" as const, "cdrom" as const],
      description: "DR standby for erp: start it on failover",
      nics: [{ name: "nic1", vnicProfile: "ovirtmgmt" }],
      // On the data domain above: the component creates the VM after it and destroys it before.
      disks: [{ name: "erp-standby-os", storageDomain: "dr-data", sizeGiB: 40, bootable: true }],
      cdromIso: config.require("drStandbyIso"),
      runState: "stopped" as const,
      deleteProtected: false,
      timeouts: { create: "30m" },
    },
  ],
});

/** The ERP file share on NetApp Service Engine, replicated to the DR site. */
const fileShares = (endpoint: string) => ({
  nse: {
    endpoint,
    profile: config.get("nseProfile") ?? "nse",
    ...(config.get("nseBasePath") !== undefined ? { basePath: config.get("nseBasePath") } : {}),
  },
  shares: [
    {
      name: "erp-data",
      sharePath: "/erp_data",
      fileserverId: config.require("nseFileServerId"),
      sizeGb: 500,
      serviceLevel: "premium",
      protocol: "nfs" as const,
      securityStyle: "unix" as const,
      exportPolicy: [{ clientMatch: "10.50.0.0/24", access: "rw" as const, superuser: false }],
      snapshotPolicy: { enabled: true, daily: { hour: 1, minute: 30, snapshotsToKeep: 7 } },
      drEnabled: true,
      tags: { app: "erp" },
    },
  ],
});

const topology = new drplane.DrTopology("topology", {
  production: {
    storage: { endpoint: config.require("localEndpoint"), profile: "local" },
    vrg: { endpoint: config.require("prodVrgEndpoint"), profile: "vrg-prod" },
    ...(nseEndpoint ? { fileShares: fileShares(nseEndpoint) } : {}),
  },
  dr: {
    storage: { endpoint: config.require("remoteEndpoint"), profile: "remote" },
    vrg: { endpoint: config.require("drVrgEndpoint"), profile: "vrg-dr" },
    vrgPeer: { ip: config.require("drVrgPeerIp"), port: config.requireNumber("drVrgPeerPort") },
    ...(engineEndpoint ? { standby: standby(engineEndpoint) } : {}),
  },
  storageLink: { timeouts: { create: "20m", delete: "20m" } },
  pairing: { timeouts: { create: "10m" } },
  protectedVms: [
    {
      uuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
      id: "i-0000002A",
      name: "erp",
      production: { encryption: "aes128", compression: true },
      dr: {
        hostUrn: "urn:sites:2A4B0C7E:hosts:14",
        agentIp: "10.50.0.31",
        agentPort: 7100,
        deleteMode: "forceOnFailure",
        timeouts: { create: "30m" },
      },
      volumes: [1, 2].map((slot) => ({
        volUuid: `0b4d2f6a-51c3-4e8d-9a7b-3c2e1f0d9a0${slot}`,
        slot,
        dr: {
          volumeUrl: `/service/sites/2A4B0C7E/volumes/120${slot}`,
          dsUrn: "urn:sites:2A4B0C7E:datastores:3",
          volType: "LUNPOME" as const,
        },
      })),
    },
  ],
  ...(alarmIp ? { alarmReceiver: { ip: alarmIp, port: config.getNumber("alarmReceiverPort") } } : {}),
});

export const registration = topology.storageLink?.id;
export const pairingState = topology.pairing.state;
export const erpHealthy = topology.vms.erp?.healthy;
export const alarmServers = topology.alarmServers
  ? [topology.alarmServers.production.id, topology.alarmServers.dr.id]
  : [];
export const standbyStatus = topology.standby?.vms["erp-standby"]?.status;
export const erpShareState = topology.fileShares?.["erp-data"]?.state;
