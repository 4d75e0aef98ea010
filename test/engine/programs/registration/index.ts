/**
 * Engine test program: a Hitachi registration whose inputs and whole shape come from stack
 * config, so one stack can be driven through updates, replaces, removals and failures with
 * `pulumi config set` between runs, as a user edits a program.
 *   shape: "link" (default) | "none" (declares nothing) | "broken" (link, plus a registration
 *          that fails check and one that depends on it) | "throws" (the program fails)
 *   restServerPort, remoteStorageDeviceId, createTimeout: inputs of the registration
 */
import * as pulumi from "@pulumi/pulumi";
import * as drplane from "pulumi-drplane";

const config = new pulumi.Config();
const shape = config.get("shape") ?? "link";
const arrays = {
  local: { endpoint: config.require("localEndpoint"), profile: "local" },
  remote: { endpoint: config.require("remoteEndpoint"), profile: "remote" },
};
const createTimeout = config.get("createTimeout");

export const registration =
  shape === "link" || shape === "broken"
    ? new drplane.RemoteStorage("site-link", {
        ...arrays,
        restServerPort: config.getNumber("restServerPort"),
        remoteStorageDeviceId: config.get("remoteStorageDeviceId"),
        ...(createTimeout ? { timeouts: { create: createTimeout, delete: "10m" } } : {}),
      }).id
    : undefined;

if (shape === "broken") {
  const bad = new drplane.RemoteStorage("bad", { ...arrays, remoteStorageDeviceId: "not-an-id" });
  new drplane.RemoteStorage("dependant", { ...arrays, restServerPort: bad.restServerPort });
}
if (shape === "throws") throw new Error("a bug in the program");
