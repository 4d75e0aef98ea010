/**
 * The oVirt / RHEV vendor layer's public surface (docs/vendors/ovirt.md): the client and its
 * dialect adapter, the codec, the error table, and the VM flows the `Vm` handler calls.
 */
export * from "./client";
export * from "./auth";
export * from "./codec";
export * from "./dialect";
export * from "./errors";
export * from "./login-guard";
