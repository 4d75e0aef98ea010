/**
 * The NetApp Service Engine (NSE 2.1) vendor layer's public surface (docs/vendors/nse.md): the
 * client (envelope, JWT auth), the error table, the job waiter, and the file share and
 * snapshot flows the NseFileShare handlers call.
 */
export * from "./client";
export * from "./auth";
export * from "./errors";
export * from "./jobs";
export * from "./fileshares";
