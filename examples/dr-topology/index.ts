/**
 * DR topology between two Hitachi arrays: the remote array is registered with the local one
 * (Configuration Manager REST `remote-storages`), so remote paths and copy pairs can follow.
 *
 * Where the arrays are comes from stack config (or, for the demo, the environment):
 *   localEndpoint / DRPLANE_DEMO_LOCAL_ENDPOINT     https://<local REST server>
 *   remoteEndpoint / DRPLANE_DEMO_REMOTE_ENDPOINT   https://<remote REST server>
 *   localProfile, remoteProfile                     credential profiles (default "local", "remote")
 *   remoteRestServerIp, remoteRestServerPort        how the local array reaches the remote one,
 *                                                   when it differs from remoteEndpoint
 *   caBundle                                        PEM file or text trusted for both endpoints
 * Passwords never appear here: `drplane:credentials.<profile>.password` (secret config) or
 * DRPLANE_<PROFILE>_PASSWORD. See README.md.
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

export = async () => {
  const config = new pulumi.Config();
  const endpoint = (key: string, env: string): string => {
    const value = config.get(key) ?? process.env[env];
    if (!value) throw new Error(`set the ${key} config value (pulumi config set ${key} https://…) or ${env}`);
    return value;
  };
  const caBundle = config.get("caBundle");

  const link = new drplane.RemoteStorage("site-link", {
    local: {
      endpoint: endpoint("localEndpoint", "DRPLANE_DEMO_LOCAL_ENDPOINT"),
      profile: config.get("localProfile") ?? "local",
      ...(caBundle ? { caBundle } : {}),
    },
    remote: {
      endpoint: endpoint("remoteEndpoint", "DRPLANE_DEMO_REMOTE_ENDPOINT"),
      profile: config.get("remoteProfile") ?? "remote",
      ...(caBundle ? { caBundle } : {}),
    },
    restServerIp: config.get("remoteRestServerIp"),
    restServerPort: config.getNumber("remoteRestServerPort"),
    isMutualDiscovery: true,
    isMutualDeletion: true,
    timeouts: { create: "20m", delete: "20m" },
  });

  return {
    registration: link.id,
    localStorageDeviceId: link.localStorageDeviceId,
    remoteStorageDeviceId: link.remoteStorageDeviceId,
    remoteModel: link.model,
    remoteSerialNumber: link.serialNumber,
    restServer: pulumi.interpolate`${link.restServerIp}:${link.restServerPort}`,
  };
};
