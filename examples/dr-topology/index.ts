/**
 * DR topology between a production site and a DR site:
 *   - storage: the DR Hitachi array is registered with the production one (Configuration
 *     Manager REST `remote-storages`), so remote paths and copy pairs can follow;
 *   - replication: the production VRG (Huawei FusionCompute Virtual Replication Gateway) is
 *     paired with the DR VRG, and one VM is protected on both sides: its production strategy
 *     (which volumes are replicated, and how) and its DR strategy (which writeagent receives
 *     the data, and where each volume is written);
 *   - optionally, both VRGs send their alarms to one SNMP trap receiver;
 *   - optionally, the ERP file share on NetApp Service Engine with DR enabled (NSE replicates it
 *     to the DR site);
 *   - optionally, a standby VM at the DR site on oVirt / RHEV: an NFS data domain attached to
 *     the DR data center and active, and the VM on it, stopped, with the installation ISO in its
 *     CD-ROM drive, ready to be started when the site fails over.
 *
 * Where the systems are comes from stack config (or, for the demo, the environment):
 *   localEndpoint / DRPLANE_DEMO_LOCAL_ENDPOINT     https://<local REST server>
 *   remoteEndpoint / DRPLANE_DEMO_REMOTE_ENDPOINT   https://<remote REST server>
 *   localProfile, remoteProfile                     credential profiles (default "local", "remote")
 *   remoteRestServerIp, remoteRestServerPort        how the local array reaches the remote one,
 *                                                   when it differs from remoteEndpoint
 *   caBundle                                        PEM file or text trusted for both arrays
 *   prodVrgEndpoint / DRPLANE_DEMO_PROD_VRG_ENDPOINT  http(s)://<production VRG>:<port>
 *   drVrgEndpoint / DRPLANE_DEMO_DR_VRG_ENDPOINT      http(s)://<DR VRG>:<port>
 *   drVrgPeerIp / DRPLANE_DEMO_DR_VRG_PEER_IP         the DR VRG's address on the replication
 *   drVrgPeerPort / DRPLANE_DEMO_DR_VRG_PEER_PORT     network (its netinfo type 2), which the
 *                                                     production VRG pairs with
 *   prodVrgProfile, drVrgProfile                    credential profiles (default "vrg-prod", "vrg-dr")
 *   alarmReceiverIp, alarmReceiverPort              optional SNMP trap receiver (port default 162)
 *   drEngineEndpoint / DRPLANE_DEMO_DR_ENGINE_ENDPOINT  optional: https://<DR oVirt/RHEV engine>
 *   drEngineProfile                                 credential profile (default "ovirt-dr"; user admin@internal)
 *   drNfsAddress, drNfsPath                         the NFS export of the DR data domain
 *   drDataCenter, drCluster, drHost                 where it lives (default "Default", "Default", "Atlantic")
 *   drStandbyIso                                    ISO file in the engine's ISO domain for the standby VM
 *   nseEndpoint / DRPLANE_DEMO_NSE_ENDPOINT           optional: https://<NetApp Service Engine>
 *   nseBasePath                                     the API's base path (default "/api")
 *   nseProfile                                      credential profile (default "nse")
 *   nseFileServerId                                 the file server the ERP share lives on
 * Passwords never appear here: `drplane:credentials.<profile>.password` (secret config) or
 * DRPLANE_<PROFILE>_PASSWORD. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

/** The protected VM and its DR plan: replace with your VM, DR host, writeagent and DR volumes. */
const erp = {
  uuid: "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b",
  id: "i-0000002A",
  name: "erp",
  volumes: [
    { volUuid: "0b4d2f6a-51c3-4e8d-9a7b-3c2e1f0d9a01", slot: 1, drVolumeId: 1201 }, // system disk
    { volUuid: "0b4d2f6a-51c3-4e8d-9a7b-3c2e1f0d9a02", slot: 2, drVolumeId: 1202 }, // data disk
  ],
  drHostUrn: "urn:sites:2A4B0C7E:hosts:14",
  drDatastoreUrn: "urn:sites:2A4B0C7E:datastores:3",
  writeagent: { ip: "10.50.0.31", port: 7100 },
};

export = async () => {
  const config = new pulumi.Config();
  const setting = (key: string, env: string, example: string): string => {
    const value = config.get(key) ?? process.env[env];
    if (!value)
      throw new Error(`set the ${key} config value (pulumi config set ${key} ${example}) or ${env}`);
    return value;
  };
  const caBundle = config.get("caBundle");

  // ---- storage: the DR array registered with the production array ---------------------------
  const link = new drplane.RemoteStorage("site-link", {
    local: {
      endpoint: setting("localEndpoint", "DRPLANE_DEMO_LOCAL_ENDPOINT", "https://…"),
      profile: config.get("localProfile") ?? "local",
      ...(caBundle ? { caBundle } : {}),
    },
    remote: {
      endpoint: setting("remoteEndpoint", "DRPLANE_DEMO_REMOTE_ENDPOINT", "https://…"),
      profile: config.get("remoteProfile") ?? "remote",
      ...(caBundle ? { caBundle } : {}),
    },
    restServerIp: config.get("remoteRestServerIp"),
    restServerPort: config.getNumber("remoteRestServerPort"),
    isMutualDiscovery: true,
    isMutualDeletion: true,
    timeouts: { create: "20m", delete: "20m" },
  });

  // ---- replication: the two VRGs paired, one VM protected on both sides ---------------------
  const prodVrg = {
    endpoint: setting("prodVrgEndpoint", "DRPLANE_DEMO_PROD_VRG_ENDPOINT", "http://192.168.10.21:8080"),
    profile: config.get("prodVrgProfile") ?? "vrg-prod",
  };
  const drVrg = {
    endpoint: setting("drVrgEndpoint", "DRPLANE_DEMO_DR_VRG_ENDPOINT", "http://192.168.50.21:8080"),
    profile: config.get("drVrgProfile") ?? "vrg-dr",
  };

  const pairing = new drplane.VrgPairing("prod-to-dr", {
    connection: prodVrg,
    peerIp: setting("drVrgPeerIp", "DRPLANE_DEMO_DR_VRG_PEER_IP", "10.50.0.21"),
    peerPort: Number(setting("drVrgPeerPort", "DRPLANE_DEMO_DR_VRG_PEER_PORT", "7000")),
    timeouts: { create: "10m" },
  });

  // Both sides wait for the pairing (and `pulumi destroy` removes them before unpairing).
  const prodSide = new drplane.VmDrStrategy(
    "erp-prod",
    {
      connection: prodVrg,
      role: "production",
      vmUuid: erp.uuid,
      vmId: erp.id,
      vmName: erp.name,
      encryption: "aes128",
      compression: true,
      volumes: erp.volumes.map((v) => ({ volUuid: v.volUuid, slot: v.slot })),
    },
    { dependsOn: [pairing] },
  );

  const drSide = new drplane.VmDrStrategy(
    "erp-dr",
    {
      connection: drVrg,
      role: "dr",
      vmUuid: erp.uuid,
      vmId: erp.id,
      vmName: erp.name,
      hostUrn: erp.drHostUrn,
      agentIp: erp.writeagent.ip,
      agentPort: erp.writeagent.port,
      volumes: erp.volumes.map((v) => ({
        volUuid: v.volUuid,
        volumeUrl: `/service/sites/2A4B0C7E/volumes/${v.drVolumeId}`,
        dsUrn: erp.drDatastoreUrn,
        volType: "LUNPOME" as const,
        slot: v.slot,
      })),
      deleteMode: "forceOnFailure",
      timeouts: { create: "30m" },
    },
    { dependsOn: [pairing] },
  );

  // Optional: where both VRGs send their alarms (SNMP traps).
  const alarmIp = config.get("alarmReceiverIp");
  if (alarmIp) {
    const port = config.getNumber("alarmReceiverPort") ?? 162;
    new drplane.VrgAlarmServer("prod-traps", { connection: prodVrg, ip: alarmIp, port });
    new drplane.VrgAlarmServer("dr-traps", { connection: drVrg, ip: alarmIp, port });
  }

  // Optional: the standby VM at the DR site (oVirt 4.x or RHEV 3.6), on its own NFS data domain.
  const engineEndpoint = config.get("drEngineEndpoint") ?? process.env.DRPLANE_DEMO_DR_ENGINE_ENDPOINT;
  const standby = engineEndpoint ? standbyVm(config, engineEndpoint) : undefined;

  // Optional: the ERP file share on NetApp Service Engine, replicated to the DR site.
  const nseEndpoint = config.get("nseEndpoint") ?? process.env.DRPLANE_DEMO_NSE_ENDPOINT;
  const share = nseEndpoint
    ? new drplane.NseFileShare("erp-share", {
        connection: {
          endpoint: nseEndpoint,
          profile: config.get("nseProfile") ?? "nse",
          ...(config.get("nseBasePath") !== undefined ? { basePath: config.get("nseBasePath") } : {}),
        },
        name: "erp-data",
        sharePath: "/erp_data",
        fileserverId: config.require("nseFileServerId"),
        sizeGb: 500,
        serviceLevel: "premium",
        protocol: "nfs",
        securityStyle: "unix",
        exportPolicy: [{ clientMatch: "10.50.0.0/24", access: "rw", superuser: false }],
        snapshotPolicy: { enabled: true, daily: { hour: 1, minute: 30, snapshotsToKeep: 7 } },
        drEnabled: true,
        tags: { app: "erp" },
      })
    : undefined;

  return {
    ...(share ? { erpShare: share.id, erpShareState: share.state } : {}),
    ...(standby
      ? {
          standbyVm: standby.vm.vmId,
          standbyStatus: standby.vm.status,
          standbyPendingChanges: standby.vm.pendingChanges,
          drDataDomain: standby.domain.id,
        }
      : {}),
    registration: link.id,
    localStorageDeviceId: link.localStorageDeviceId,
    remoteStorageDeviceId: link.remoteStorageDeviceId,
    remoteModel: link.model,
    remoteSerialNumber: link.serialNumber,
    restServer: pulumi.interpolate`${link.restServerIp}:${link.restServerPort}`,
    vrgPairing: pairing.id,
    vrgPairingState: pairing.state,
    protectedVm: erp.uuid,
    protectedVmHealthy: pulumi.all([prodSide.healthy, drSide.healthy]).apply(([p, d]) => p && d),
    // Undefined when the strategy is not in the state yet (`pulumi refresh --run-program` of a
    // stack whose first up was interrupted).
    drVolumes: drSide.volumeStatuses.apply((vs) => (vs ?? []).map((v) => `${v.volUuid}: ${v.state}`)),
  };
};

/** The DR site's standby VM: an NFS data domain, and a stopped VM on it with the ISO inserted. */
function standbyVm(config: pulumi.Config, endpoint: string) {
  const engine = {
    endpoint,
    profile: config.get("drEngineProfile") ?? "ovirt-dr",
    ...(config.get("caBundle") ? { caBundle: config.get("caBundle") } : {}),
  };
  const dataCenter = config.get("drDataCenter") ?? "Default";
  const domain = new drplane.StorageDomain("dr-data", {
    connection: engine,
    name: "dr-data",
    type: "data",
    host: config.get("drHost") ?? "Atlantic",
    address: config.require("drNfsAddress"),
    path: config.require("drNfsPath"),
    dataCenter,
  });
  const vm = new drplane.Vm("erp-standby", {
    connection: engine,
    name: "erp-standby",
    cluster: config.get("drCluster") ?? "Default",
    memoryMiB: 4096,
    cpu: { sockets: 1, cores: 2, threads: 1 },
    osType: "rhel_7x64",
    bootDevices: ["hd", "cdrom"],
    description: "DR standby for erp: start it on failover",
    nics: [{ name: "nic1", vnicProfile: "ovirtmgmt" }],
    // The disk lives on the data domain above (its name; the dependency orders create/destroy).
    disks: [{ name: "erp-standby-os", storageDomain: domain.name, sizeGiB: 40, bootable: true }],
    cdromIso: config.require("drStandbyIso"),
    runState: "stopped",
    deleteProtected: false,
    timeouts: { create: "30m" },
  });
  return { domain, vm };
}
