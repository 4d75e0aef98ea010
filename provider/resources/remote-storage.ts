import * as pulumi from "@pulumi/pulumi";
import { makeShell } from "./shell";
import type { RemoteStorageArgs } from "../args/hitachi";

export type { RemoteStorageArgs };

const provider = makeShell("RemoteStorage");

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
