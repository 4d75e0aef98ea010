/**
 * The oVirt / RHEV vendor layer's public surface (docs/vendors/ovirt.md, ovirt-storage.md): the
 * client and its dialect adapter, the codec, the error table, the VM flows the `Vm` handler
 * calls, and the storage-domain, host and data-function flows built on the client.
 */
export * from "./client";
export * from "./auth";
export * from "./codec";
export * from "./dialect";
export * from "./errors";
export * from "./login-guard";
export * from "./resolve";
export * from "./vm-wire";
export * from "./power";
export * from "./disks";
export * from "./nics";
export * from "./cdrom";
export { readOp, recordOf, pendingFields, findVmId } from "./vm-read";
export * from "./vms";
export * from "./storage-domains";
export * from "./hosts";
export * from "./lists";
