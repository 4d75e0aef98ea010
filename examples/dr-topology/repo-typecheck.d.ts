/**
 * Only for type-checking this example inside the pulumi-drplane repository (the root
 * tsconfig includes examples/), where `pulumi-drplane` is installed in node_modules only after
 * the package has been built and staged. This ambient declaration types the import from the
 * package's source instead. The example's own tsconfig.json ("files": ["index.ts"]) and the
 * Pulumi CLI never load it, and it has no effect at run time.
 */
declare module "pulumi-drplane" {
  type Source = typeof import("../../provider/index");
  export const RemoteStorage: Source["RemoteStorage"];
  export type RemoteStorage = import("../../provider/index").RemoteStorage;
  export type RemoteStorageArgs = import("../../provider/index").RemoteStorageArgs;
  export type ConnectionArgs = import("../../provider/index").ConnectionArgs;
  export const VrgPairing: Source["VrgPairing"];
  export type VrgPairing = import("../../provider/index").VrgPairing;
  export const VmDrStrategy: Source["VmDrStrategy"];
  export type VmDrStrategy = import("../../provider/index").VmDrStrategy;
  export const VrgAlarmServer: Source["VrgAlarmServer"];
  export type VrgAlarmServer = import("../../provider/index").VrgAlarmServer;
  export const StorageDomain: Source["StorageDomain"];
  export type StorageDomain = import("../../provider/index").StorageDomain;
  export const Vm: Source["Vm"];
  export type Vm = import("../../provider/index").Vm;
  export const NseFileShare: Source["NseFileShare"];
  export type NseFileShare = import("../../provider/index").NseFileShare;
}
