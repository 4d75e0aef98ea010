/**
 * The VRG's objects as the simulator models them (seed 001): the status codes (§3.4-§3.8:
 * volType, volStatus, pairing status, DR status, delFlag), a VM of the platform, a strategy as
 * configured and as a test sees it, the pairing view and the counters.
 */

/** §3.8.2 volType range. */
export const VOL_TYPES = ["LOCALPOME", "LUNPOME", "NAS", "DSWARE"] as const;
export type VolType = (typeof VOL_TYPES)[number];

/** §3.8.3 volStatus: 1 normal, 2 path error, 3 type error, 4 configured to another VRG, 5 setting, 6 delete failed. */
export const VOL_STATUS = {
  normal: 1,
  pathError: 2,
  typeError: 3,
  usedByOtherVrg: 4,
  setting: 5,
  deleteFailed: 6,
} as const;
export type VolStatus = (typeof VOL_STATUS)[keyof typeof VOL_STATUS];

/** §3.7.3 pairing (VRG map link) status. */
export const PAIR_STATUS = { normal: 1, pairing: 2, failed: 3, unpaired: 4, linkBroken: 5 } as const;
export type PairStatus = (typeof PAIR_STATUS)[keyof typeof PAIR_STATUS];

/** §3.6 / §3.8.4 VM DR status: 1 incremental queue, 2 incremental CBT, 3 consistency check. */
export const DR_STATUS = { incrementalQueue: 1, incrementalCbt: 2, consistencyCheck: 3 } as const;
export type DrStatus = (typeof DR_STATUS)[keyof typeof DR_STATUS];

/** §3.8.4 delFlag: 1 normal delete (default), 2 forced delete. */
export const DEL_FLAG = { normal: 1, force: 2 } as const;
export type DelFlag = (typeof DEL_FLAG)[keyof typeof DEL_FLAG];

/** §3.4 VRG status: 1 normal, 2 abnormal. */
export interface VrgStatusInfo {
  status: 1 | 2;
  /** KB; -1 cache unused, -2 cache loading, -3 value invalid. */
  availableCapacity: number;
  /** KB; -1 cache unused. */
  totalCapacity: number;
}

/** A VM the simulated platform knows (addVm). Volumes: UUIDs, optionally with their slot. */
export interface VrgVmSpec {
  uuid: string;
  id?: string;
  name?: string;
  volumes?: Array<string | { uuid: string; seqNum?: number }>;
}

export interface DrExtParams {
  dsMgntIp?: string;
  dsResourceId?: string;
}

/** One volume of a strategy as configured (canonical request names). */
export interface VrgVolumeConfig {
  volUuid: string;
  seqNum?: number;
  /** DR only. */
  volumeUrl?: string;
  dsUrn?: string;
  volType?: VolType;
  drExtParams?: DrExtParams;
  /** DR only: the §3.8.2 sample puts hostUrn in the volume. */
  hostUrn?: string;
}

/** A strategy as configured (canonical request names); flag 1 production, 2 DR (§3.8.3). */
export interface VrgStrategyConfig {
  flag: 1 | 2;
  vmUuid: string;
  vmId?: string;
  vmName?: string;
  encryptOption?: 0 | 1;
  compressOption?: 0 | 1;
  hostUrn?: string;
  agentIp?: string;
  agentPort?: number;
  volList: VrgVolumeConfig[];
}

/** Test view of a strategy now. */
export interface VrgStrategyView extends VrgStrategyConfig {
  volList: Array<VrgVolumeConfig & { volStatus: VolStatus }>;
  drStatus: DrStatus;
  fault: boolean;
  /** A delete was accepted and has not completed yet. */
  deleting: boolean;
  configuredAt: number;
}

export interface PairingView {
  status: PairStatus;
  dstIp?: string;
  dstPort?: number;
  /** Shown because the peer paired with us (mirrorPairing). */
  mirrored: boolean;
}

export interface VrgCounters {
  logins: number;
  failedLogins: number;
  logouts: number;
  lockouts: number;
  liveTokens: number;
  strategiesSet: number;
  deletesAccepted: number;
  pairingsStarted: number;
  mngNetChanges: number;
}
