/**
 * pulumi-drplane: Pulumi resources for disaster-recovery infrastructure.
 * Resource classes are the public API; vendor clients are exported for scripts.
 */
export { RemoteStorage, type RemoteStorageArgs } from "./resources/remote-storage";
export type { ConnectionArgs, Timeouts } from "./resources/types";
export * as hitachi from "./vendors/hitachi";
export * as errors from "./core/errors";
