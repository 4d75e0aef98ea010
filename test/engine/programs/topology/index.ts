/**
 * Engine test program: examples/dr-topology's storage and replication part (the DR array
 * registered with the production one, the VRGs paired, the ERP VM protected on both sides,
 * both VRGs' alarm receiver) declared with one DrTopology component instead of resource by
 * resource. Where the systems are comes from the same stack config keys as the example's;
 * alarmReceiverIp is optional (without it the component declares no alarm servers).
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

const config = new pulumi.Config();
const alarmIp = config.get("alarmReceiverIp");

const topology = new drplane.DrTopology("topology", {
  production: {
    storage: { endpoint: config.require("localEndpoint"), profile: "local" },
    vrg: { endpoint: config.require("prodVrgEndpoint"), profile: "vrg-prod" },
  },
  dr: {
    storage: { endpoint: config.require("remoteEndpoint"), profile: "remote" },
    vrg: { endpoint: config.require("drVrgEndpoint"), profile: "vrg-dr" },
    vrgPeer: { ip: config.require("drVrgPeerIp"), port: config.requireNumber("drVrgPeerPort") },
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
