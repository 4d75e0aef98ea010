/** The public argument types of the NetApp Service Engine (NSE 2.1) resources and data functions (pulumi.Input shapes). */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, Timeouts } from "./common";

/**
 * Where NSE is (`https://nse.example.com[:port]`, scheme and host only) and who we are there.
 * Never a password: it comes from stack config `drplane:credentials.<profile>.password` or
 * DRPLANE_<PROFILE>_PASSWORD; the client signs in for a JWT and refreshes it.
 */
export interface NseConnectionArgs extends ConnectionArgs {
  /** The API's path before /v2.1 (default "/api", as the docs show it: UNCONFIRMED); "" for none. */
  basePath?: string;
}

/** One snapshot schedule; each period takes only its own fields. Times as NSE takes them (its clock). */
export interface NseSnapshotScheduleArgs {
  /** 0-6 (weekly only; 0 is Sunday as in cron: UNCONFIRMED). */
  dayOfWeek?: number;
  /** 1-31 (monthly only). */
  dayOfMonth?: number;
  /** 0-23 (daily, weekly, monthly). */
  hour?: number;
  /** 0-59. */
  minute?: number;
  /** How many snapshots of this schedule are kept (1-1023). */
  snapshotsToKeep: number;
}

/** The share's snapshot policy (NSE `snapshot_policy`). */
export interface NseSnapshotPolicyArgs {
  enabled: boolean;
  hourly?: Omit<NseSnapshotScheduleArgs, "dayOfWeek" | "dayOfMonth" | "hour">;
  daily?: Omit<NseSnapshotScheduleArgs, "dayOfWeek" | "dayOfMonth">;
  weekly?: Omit<NseSnapshotScheduleArgs, "dayOfMonth">;
  monthly?: Omit<NseSnapshotScheduleArgs, "dayOfWeek">;
}

/** One export rule (NSE `export_policy[]`): the list is replaced whole on update. */
export interface NseExportRuleArgs {
  /** Which clients: a CIDR such as 10.0.0.0/24, an address or a host name. */
  clientMatch: string;
  access: "rw" | "ro" | "none";
  /** Root access for matching clients (default false). */
  superuser?: boolean;
}

/** A file share on an NSE file server (NSE `/v2.1/fileshares`). */
export interface NseFileShareArgs {
  connection: pulumi.Input<NseConnectionArgs>;
  /** The share's name; a share of this name on the same file server is adopted. Updates in place. */
  name: pulumi.Input<string>;
  /** The share path (NFS junction or CIFS share; a trailing "$" hides a CIFS share). Changing it replaces, delete first. */
  sharePath: pulumi.Input<string>;
  /** The file server (id) the share lives on. Changing it replaces, delete first. */
  fileserverId: pulumi.Input<string>;
  /** The subtenant (id) it is created for. Changing it replaces, delete first. */
  subtenantId?: pulumi.Input<string>;
  /** Size in GB. Updates in place. */
  sizeGb: pulumi.Input<number>;
  /** Standard | Premium | Premium-Tiering | Extreme | Extreme-Tiering (any case). Updates in place. */
  serviceLevel: pulumi.Input<string>;
  /** nfs | cifs | multiprotocol. Updates in place. */
  protocol: pulumi.Input<"nfs" | "cifs" | "multiprotocol">;
  /** unix | ntfs. Changing it replaces, delete first. */
  securityStyle?: pulumi.Input<"unix" | "ntfs">;
  /** Scheduled snapshots. Updates in place. */
  snapshotPolicy?: pulumi.Input<NseSnapshotPolicyArgs>;
  /** Export rules, replaced whole on update. */
  exportPolicy?: pulumi.Input<pulumi.Input<NseExportRuleArgs>[]>;
  /** Replicate the share to the DR site (NSE `dr_enabled`). Updates in place. */
  drEnabled?: pulumi.Input<boolean>;
  /** Tags, replaced whole on update. */
  tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Take over a share of this name on this file server (default true), so nothing is created twice. */
  adopt?: pulumi.Input<boolean>;
  /** Wait limits for NSE's jobs (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

/** A named snapshot of a file share (NSE `/v2.1/fileshares/{id}/snapshot/{name}`). */
export interface NseFileShareSnapshotArgs {
  connection: pulumi.Input<NseConnectionArgs>;
  /** The share's id (an NseFileShare's `id`). Changing it replaces. */
  fileShareId: pulumi.Input<string>;
  /** The snapshot's name. Changing it replaces. */
  name: pulumi.Input<string>;
  /** Wait limits for NSE's jobs (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

/** Which file share getNseFileShare reads: its id, or its name on a file server. */
export interface GetNseFileShareArgs {
  connection: NseConnectionArgs;
  id?: string;
  name?: string;
  fileserverId?: string;
}

/** getNseFileShareOutput's arguments as Pulumi inputs. */
export interface GetNseFileShareOutputArgs {
  connection: pulumi.Input<NseConnectionArgs>;
  id?: pulumi.Input<string | undefined>;
  name?: pulumi.Input<string | undefined>;
  fileserverId?: pulumi.Input<string | undefined>;
}
