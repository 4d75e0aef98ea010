import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { ConnectionArgs, Timeouts } from "../args/common";

const provider = makeShell("RemoteStorage");

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

/**
 * A remote storage system registered with a local one (Hitachi Configuration Manager REST,
 * `remote-storages`). Create adopts an identical existing registration; identity changes
 * replace (delete first); refresh drops it when it is gone and shows drift otherwise.
 */
export class RemoteStorage extends pulumi.dynamic.Resource {
  declare readonly localStorageDeviceId: pulumi.Output<string>;
  declare readonly remoteStorageDeviceId: pulumi.Output<string>;
  declare readonly restServerIp: pulumi.Output<string>;
  declare readonly restServerPort: pulumi.Output<number>;
  declare readonly dkcType: pulumi.Output<string>;
  declare readonly model: pulumi.Output<string | undefined>;
  declare readonly serialNumber: pulumi.Output<number | undefined>;
  declare readonly communicationModes: pulumi.Output<string[]>;
  declare readonly localApiVersion: pulumi.Output<string>;
  declare readonly remoteApiVersion: pulumi.Output<string>;
  declare readonly adopted: pulumi.Output<boolean>;

  constructor(name: string, args: RemoteStorageArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        ...args,
        __drplaneName: name,
        localStorageDeviceId: undefined,
        remoteStorageDeviceId: args.remoteStorageDeviceId,
        restServerIp: args.restServerIp,
        restServerPort: args.restServerPort,
        dkcType: undefined,
        model: undefined,
        serialNumber: undefined,
        communicationModes: undefined,
        localApiVersion: undefined,
        remoteApiVersion: undefined,
        adopted: undefined,
      },
      opts,
      "drplane",
      "RemoteStorage",
    );
  }
}
