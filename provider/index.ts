/**
 * pulumi-drplane: Pulumi resources for disaster-recovery infrastructure.
 * Resource classes are the public API; vendor clients are exported for scripts.
 */
export { RemoteStorage, type RemoteStorageArgs } from "./resources/remote-storage";
export type { ConnectionArgs, Timeouts } from "./args/common";
export * as hitachi from "./vendors/hitachi";
export { VrgPairing, type VrgPairingArgs } from "./resources/vrg-pairing";
export {
  VmDrStrategy,
  type VmDrStrategyArgs,
  type ProductionVmDrStrategyArgs,
  type DrVmDrStrategyArgs,
  type VolumeStatus,
} from "./resources/vrg-strategy";
export { VrgAlarmServer, type VrgAlarmServerArgs } from "./resources/vrg-alarm-server";
export type { VrgConnectionArgs, ProductionVolumeArgs, DrVolumeArgs } from "./args/vrg";
export { DrTopology, type DrTopologyVm, type DrTopologyStandby } from "./components/dr-topology";
export type {
  DrTopologyArgs,
  DrTopologySiteArgs,
  DrTopologyDrSiteArgs,
  DrTopologyStorageLinkArgs,
  DrTopologyPairingArgs,
  DrTopologyVmArgs,
  DrTopologyProductionVmArgs,
  DrTopologyDrVmArgs,
  DrTopologyVolumeArgs,
  DrTopologyAlarmReceiverArgs,
  DrTopologyProductionSiteArgs,
  DrTopologyFileSharesArgs,
  DrTopologyFileShareArgs,
  DrTopologyStandbyArgs,
  DrTopologyDataDomainArgs,
  DrTopologyStandbyVmArgs,
} from "./args/dr-topology";
export {
  getVrgStatus,
  getVrgNetInfos,
  getVmDrStatus,
  getVrgPairing,
  getVrgFaultVms,
  getVrgStatusOutput,
  getVrgNetInfosOutput,
  getVmDrStatusOutput,
  getVrgPairingOutput,
  getVrgFaultVmsOutput,
  type VrgPairingStatus,
  type FaultVm,
  type FaultVmList,
} from "./data/vrg";
export * as vrg from "./vendors/vrg";
export { SwiftContainer, type SwiftContainerArgs } from "./resources/swift-container";
export { SwiftObject, type SwiftObjectArgs } from "./resources/swift-object";
export { SloObject, type SloObjectArgs } from "./resources/swift-slo-object";
export {
  getSwiftContainer,
  getSwiftContainerOutput,
  getSwiftObject,
  getSwiftObjectOutput,
  type GetSwiftContainerArgs,
  type GetSwiftObjectArgs,
  type SwiftContainerListing,
  type SwiftListedObject,
  type SwiftObjectInfo,
} from "./data/swift";
export type { SwiftConnectionArgs } from "./args/swift";
export * as swift from "./vendors/swift";
export * as errors from "./core/errors";
export { Vm } from "./resources/ovirt-vm";
export type {
  VmArgs,
  VmNicArgs,
  VmDiskArgs,
  VmInitializationArgs,
  BootDevice as VmBootDevice,
} from "./args/ovirt-vm";
export type { OvirtConnectionArgs } from "./args/ovirt";
export * as ovirt from "./vendors/ovirt";
export { StorageDomain } from "./resources/ovirt-storage-domain";
export { HostApproval } from "./resources/ovirt-host-approval";
export type { StorageDomainArgs, HostApprovalArgs } from "./args/ovirt";
export {
  getOvirtDataCenters,
  getOvirtClusters,
  getOvirtNetworks,
  getOvirtHosts,
  getOvirtIsoFiles,
  getOvirtVmStatistics,
  getOvirtEvents,
  getOvirtDataCentersOutput,
  getOvirtClustersOutput,
  getOvirtNetworksOutput,
  getOvirtHostsOutput,
  getOvirtIsoFilesOutput,
  getOvirtVmStatisticsOutput,
  getOvirtEventsOutput,
  type OvirtEventList,
  type OvirtEvent,
  type OvirtHost,
  type ClusterInfo as OvirtClusterInfo,
  type DataCenterInfo as OvirtDataCenterInfo,
  type NetworkInfo as OvirtNetworkInfo,
  type IsoFile as OvirtIsoFile,
  type VmStatistics as OvirtVmStatistics,
} from "./data/ovirt";
export { NseFileShare } from "./resources/nse-fileshare";
export { NseFileShareSnapshot } from "./resources/nse-snapshot";
export type {
  NseConnectionArgs,
  NseFileShareArgs,
  NseFileShareSnapshotArgs,
  NseSnapshotPolicyArgs,
  NseSnapshotScheduleArgs,
  NseExportRuleArgs,
  GetNseFileShareArgs,
  GetNseFileShareOutputArgs,
} from "./args/nse";
export {
  getNseJob,
  getNseJobOutput,
  getNseFileShare,
  getNseFileShareOutput,
  type NseJob,
  type NseFileShareInfo,
} from "./data/nse";
export * as nse from "./vendors/nse";
