/** The public argument types of the oVirt / RHEV resources and data functions (pulumi.Input shapes). */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, Timeouts } from "./common";

/**
 * Where the engine is (`https://engine.example.com[:port]`, scheme and host only) and who we
 * are there (a user such as `admin@internal`). Never a password: it comes from stack config
 * `drplane:credentials.<profile>.password` or DRPLANE_<PROFILE>_PASSWORD.
 */
export interface OvirtConnectionArgs extends ConnectionArgs {
  /**
   * "auto" (default) reads the API root's product version: 4.x speaks v4 (OAuth, JSON with
   * string primitives), RHEV 3.6 speaks v3 (Basic + session cookie). "v4"/"v3" force one.
   */
  apiVersion?: "auto" | "v4" | "v3";
  /** The API's path (default "/ovirt-engine/api"; "auto" also tries "/api" and "/ovirt-engine/api/v3" for v3). */
  apiPath?: string;
}

/** An NFS storage domain (seed 2.10, 2.11), attached to a data center and active (2.12, 2.13). */
export interface StorageDomainArgs {
  connection: pulumi.Input<OvirtConnectionArgs>;
  /** The domain's name; adopted when a domain of exactly this name exists. Changing it renames in place. */
  name: pulumi.Input<string>;
  /** "data" (VM disks) or "iso" (installation media). Changing it replaces. */
  type: pulumi.Input<"data" | "iso">;
  /** The host (name or id) that creates and, on delete, removes the domain. Updates in place (no engine call). */
  host: pulumi.Input<string>;
  /**
   * The NFS server's address, e.g. 192.0.43.10. Changing it (or path, type, nfsVersion) replaces;
   * a replace that keeps the export needs formatOnDelete: the engine refuses a new domain on an
   * export that still holds the old one.
   */
  address: pulumi.Input<string>;
  /** The exported path, e.g. /storage/data. Changing it replaces. */
  path: pulumi.Input<string>;
  /** The data center (name or id) it is attached to. Changing it moves the domain (maintenance, detach, attach, activate). */
  dataCenter: pulumi.Input<string>;
  /** NFS version: "auto" (default), "v3" or "v4". Changing it replaces. */
  nfsVersion?: pulumi.Input<"auto" | "v3" | "v4">;
  /** Format (wipe) the domain's storage when it is removed (default false: the export keeps its data). */
  formatOnDelete?: pulumi.Input<boolean>;
  /** Take over a domain of this name that is not ours but matches (default true: adopt by exact name). */
  adopt?: pulumi.Input<boolean>;
  /** Wait limits (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

/**
 * Approval of a pending host into a cluster (seed 2.9), waited for until the host is up.
 * Deleting it changes nothing on the engine: the host stays approved.
 */
export interface HostApprovalArgs {
  connection: pulumi.Input<OvirtConnectionArgs>;
  /** The pending host (name or id). Changing it replaces. */
  host: pulumi.Input<string>;
  /** The cluster (name or id) it joins. Changing it replaces. */
  cluster: pulumi.Input<string>;
  /** Wait limits (default 30 minutes for create: the engine installs the host). */
  timeouts?: pulumi.Input<Timeouts>;
}
