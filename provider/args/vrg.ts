/** The public argument types of the VRG resources and data functions (pulumi.Input shapes). */
import type { ConnectionArgs } from "./common";

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
