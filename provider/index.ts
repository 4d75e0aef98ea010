/**
 * pulumi-drplane: Pulumi resources for disaster-recovery infrastructure.
 * Resource classes are the public API; vendor clients are exported for scripts.
 */
export { RemoteStorage, type RemoteStorageArgs } from "./resources/remote-storage";
export type { ConnectionArgs, Timeouts } from "./resources/types";
export * as hitachi from "./vendors/hitachi";
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
} from "./resources/swift-data";
export { SwiftObject, type SwiftObjectArgs } from "./resources/swift-object";
export { SwiftContainer, type SwiftContainerArgs } from "./resources/swift-container";
export type { SwiftConnectionArgs } from "./resources/swift-types";
export * as swift from "./vendors/swift";
export * as errors from "./core/errors";
