/** The public argument types of the Hitachi resources (pulumi.Input shapes). */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, Timeouts } from "./common";

export interface RemoteStorageArgs {
  /** The local array's REST server (where the registration is made). */
  local: pulumi.Input<ConnectionArgs>;
  /** The remote array's REST server (a session is opened there for Remote-Authorization). */
  remote: pulumi.Input<ConnectionArgs>;
  /** The remote array's 12-character id; discovered from the remote REST server when omitted. */
  remoteStorageDeviceId?: pulumi.Input<string>;
  /** Address the local array uses to reach the remote REST server; defaults to remote.endpoint's host. */
  restServerIp?: pulumi.Input<string>;
  /** Its SSL port; defaults to remote.endpoint's port (443). */
  restServerPort?: pulumi.Input<number>;
  /** Also register the local array on the remote side (default true). Changing it replaces. */
  isMutualDiscovery?: pulumi.Input<boolean>;
  /** Also remove the reverse registration on delete (default true). */
  isMutualDeletion?: pulumi.Input<boolean>;
  /** Let the server hold job replies up to this many seconds (Response-Max-Wait); 0 = poll only. */
  longPollSeconds?: pulumi.Input<number>;
  /** Job wait limits, e.g. { create: "20m", delete: "20m" } (the default). */
  timeouts?: pulumi.Input<Timeouts>;
}
