/**
 * Engine test program: a Hitachi registration whose outputs (the address the local array uses
 * to reach the remote REST server) become a VRG alarm receiver's inputs. In a first preview
 * those values are unknown, so the alarm server's check and diff see the engine's unknowns.
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

const config = new pulumi.Config();
const link = new drplane.RemoteStorage("link", {
  local: { endpoint: config.require("localEndpoint"), profile: "local" },
  remote: { endpoint: config.require("remoteEndpoint"), profile: "remote" },
  isMutualDiscovery: false,
  isMutualDeletion: false,
});
const traps = new drplane.VrgAlarmServer("traps", {
  connection: { endpoint: config.require("prodVrgEndpoint"), profile: "vrg-prod" },
  ip: link.restServerIp,
  port: link.restServerPort,
});

export const registration = link.id;
export const alarmReceiver = pulumi.interpolate`${traps.ip}:${traps.port}`;
