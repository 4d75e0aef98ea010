/** The public argument types of the VRG resources and data functions (pulumi.Input shapes). */
import type * as pulumi from "@pulumi/pulumi";
import type { ConnectionArgs, Timeouts } from "./common";

/**
 * Where a VRG is (`http(s)://<vrg-ip>:<port>`; the seed's HTTP port is 8080) and who we are
 * there. Never a password: it comes from stack config `drplane:credentials.<profile>.password`
 * or DRPLANE_<PROFILE>_PASSWORD (sent as its SHA-256, X-Auth-Key).
 */
export interface VrgConnectionArgs extends ConnectionArgs {
  /**
   * Optional: the body key style tried first, "camel" (the seed's tables, default) or "snake"
   * (its vrgmap sample: dst_ip). Not needed for either reading: a body the VRG refuses for its
   * keys (10440101) is sent once in the other style, and the style that works is remembered
   * per VRG and request body for the rest of the run.
   */
  keyStyle?: "camel" | "snake";
  /** API version of the Accept header (default "v1.0"); "auto" takes the last one GET /versions lists. */
  apiVersion?: string;
  /** Language of the VRG's error descriptions: "en_US" (default) or "zh_CN". */
  language?: "en_US" | "zh_CN";
}

/** A protected volume on the production side. */
export interface ProductionVolumeArgs {
  /** The volume's UUID. */
  volUuid: string;
  /** Disk slot (seqNum) 1-40; required on Xen. Changing it replaces the strategy. */
  slot?: number;
}

/** A volume on the DR side: which production volume, and where its copy is written. */
export interface DrVolumeArgs {
  /** UUID of the production (protected) volume. */
  volUuid: string;
  /** URL of the DR volume. Changing it replaces the strategy. */
  volumeUrl: string;
  /** URN of the DR volume's datastore. */
  dsUrn?: string;
  /** Storage type of the DR volume. */
  volType?: "LOCALPOME" | "LUNPOME" | "NAS" | "DSWARE";
  /** Disk slot (seqNum) 1-40; required on Xen. Changing it replaces the strategy. */
  slot?: number;
  /** Extension fields: FusionStorage (DSWARE) management IP and resource pool id. */
  drExtParams?: { dsMgntIp?: string; dsResourceId?: string };
}

export interface VrgPairingArgs {
  /** The VRG that is paired (where vrgmap is posted). */
  connection: pulumi.Input<VrgConnectionArgs>;
  /** The peer VRG's address on the replication network (its netinfo type 2). Changing it replaces. */
  peerIp: pulumi.Input<string>;
  /** The peer VRG's port. Changing it replaces. */
  peerPort: pulumi.Input<number>;
  /** Wait limits (default 10 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

interface VmDrStrategyCommonArgs {
  /** The VRG that holds this side's configuration. */
  connection: pulumi.Input<VrgConnectionArgs>;
  /** The protected VM's UUID. Changing it replaces. */
  vmUuid: pulumi.Input<string>;
  /** The VM's id (i-xxxxxxxx). */
  vmId?: pulumi.Input<string>;
  vmName?: pulumi.Input<string>;
  /** "xen" (default: every volume needs a slot) or "kvm". */
  platform?: pulumi.Input<"xen" | "kvm">;
  /** Take over a different strategy the VRG already has for this VM (else create fails, naming the differences). */
  adopt?: pulumi.Input<boolean>;
  /** delFlag on delete: "normal" (default), "force", or "forceOnFailure" (normal, then force if it fails). */
  deleteMode?: pulumi.Input<"normal" | "force" | "forceOnFailure">;
  /** Wait limits (default 20 minutes each). */
  timeouts?: pulumi.Input<Timeouts>;
}

/** The production side: which volumes are replicated, and how the stream is protected. */
export interface ProductionVmDrStrategyArgs extends VmDrStrategyCommonArgs {
  role: pulumi.Input<"production">;
  /** "none" (default) or "aes128". */
  encryption?: pulumi.Input<"none" | "aes128">;
  /** Compress the replication stream (default false). */
  compression?: pulumi.Input<boolean>;
  volumes: pulumi.Input<pulumi.Input<ProductionVolumeArgs>[]>;
}

/** The DR side: which writeagent receives the VM's data, and where each volume is written. */
export interface DrVmDrStrategyArgs extends VmDrStrategyCommonArgs {
  role: pulumi.Input<"dr">;
  /** URN of the host the DR VM runs on. */
  hostUrn?: pulumi.Input<string>;
  /** The writeagent's IPv4 address. */
  agentIp: pulumi.Input<string>;
  /** The writeagent's port. */
  agentPort: pulumi.Input<number>;
  volumes: pulumi.Input<pulumi.Input<DrVolumeArgs>[]>;
}

export type VmDrStrategyArgs = ProductionVmDrStrategyArgs | DrVmDrStrategyArgs;

export interface VrgAlarmServerArgs {
  connection: pulumi.Input<VrgConnectionArgs>;
  /** The alarm (SNMP trap) receiver's IPv4 address. */
  ip: pulumi.Input<string>;
  /** Its port. */
  port: pulumi.Input<number>;
  /** Replace a receiver the VRG already has with another address (else create fails, naming it). */
  adopt?: pulumi.Input<boolean>;
}
