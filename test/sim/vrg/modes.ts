/**
 * The VRG simulator's options: its role and the readings of seed 001 it follows where the seed
 * is ambiguous (key styles, answer shapes, token expiry, delete flags …), the clock durations of
 * its asynchronous states, its networks and its initial state. Each mode is described in
 * test/sim/README.md, "Huawei VRG (seed 001)".
 */
import type { Clock } from "../../../provider/core/clock";
import type { VrgFabric } from "./fabric";
import type { KeyStyle } from "./keys";
import type { VrgStatusInfo } from "./models";
import type { TokenExpiry } from "./sessions";

export type VrgRole = "production" | "dr" | "both";

export interface VrgNetworkOptions {
  /** netinfos type 0; `port` is always the HTTP server's port. Changed by modmngnet (§3.9). */
  management?: { ip?: string; netmask?: string; gateway?: string };
  /** netinfos type 1 (network to the CNA nodes). */
  cna?: { ip?: string; port?: number; netmask?: string };
  /** netinfos type 2 (network to the peer VRG): the address peers pair with. Default 127.0.0.1:<http port>. */
  replication?: { ip?: string; port?: number; netmask?: string };
}

export interface VrgSimOptions {
  /** Which §3.8.1/§3.8.2 body POST vmstrategy takes. "both": DR when the body has agentIp. Default "production". */
  role?: VrgRole;
  /** JSON body key style on the wire (see keys.ts). Default "camel". */
  keyStyle?: KeyStyle;
  /**
   * Key style POST vrgmap reads (default: keyStyle). "snake" with keyStyle "camel" is a VRG that
   * follows the §3.7.1 sample (`dst_ip`, `dst_port`) on vrgmap only and the tables everywhere
   * else (every other request sample of the seed is camelCase). GET vrgmap still answers in
   * keyStyle (the §3.7.3 sample is camelCase). UNCONFIRMED which reading a real VRG has.
   */
  vrgmapKeyStyle?: KeyStyle;
  clock?: Clock;
  /** VRGs that pair with each other share a fabric (default: a private one). */
  fabric?: VrgFabric;
  /** user → password. Default `{ user: "VrgSim@2015" }` (§3.1.2 "X-Auth-User 恒为 user"; the password is ours). */
  users?: Record<string, string>;
  /** Login body `uuid` (default random). */
  uuid?: string;
  /** Version listed by GET /versions (default "v1.0", §2.1.1). */
  version?: string;
  /** Default 600 000 (§3.1.2). */
  tokenValidityMs?: number;
  /** "absolute" (default, from login) or "idle" (from last use). */
  tokenExpiry?: TokenExpiry;
  /** HTTP status of 10440102 answers (default 400, §2.1.4; other FusionCompute services use 401). */
  tokenErrorStatus?: number;
  /** Wrong passwords in a row that lock the account (default 3). */
  lockAfterFailures?: number;
  /** Default 300 000 (5 minutes, §2.1.4 10440207). */
  lockMs?: number;
  /** Accept an uppercase-hex X-Auth-Key (default false: rejected with 10440200). */
  acceptUppercaseKey?: boolean;
  /** Clock ms from POST vrgmap to normal/failed (default 3000). */
  pairingMs?: number;
  /** Clock ms a DR volume stays "setting" (5) (default 2000). */
  volumeSetMs?: number;
  /** Clock ms from the delete POST until the strategy is gone (or its volumes show 6) (default 2000). */
  deleteMs?: number;
  /** Clock ms a new strategy reports DR status 3 (consistency check) before 1 (default 5000). */
  initialSyncMs?: number;
  /** "xen" (default): seqNum required and returned (§3.8.1 "Xen 平台下必选"); "kvm": optional, not returned. */
  platform?: "xen" | "kvm";
  /** POST vmstrategy of a VM not declared with addVm() → 10440400 (default true). */
  requireDeclaredVms?: boolean;
  /** GET vmstrategy names: "sample" (default: compressMethod/encryptMethod) or "table" (compressOption/encryptOption). */
  responseNames?: "sample" | "table";
  /** Emit the codes the samples show as strings (vrgstatus status, compressMethod, encryptMethod) as numeric strings. */
  sampleTypes?: boolean;
  /** drExtParams in GET vmstrategy: "object" (default, sample; keys follow keyStyle) or "string" (table type String; JSON with the seed's literal camelCase keys). */
  drExtParamsAs?: "object" | "string";
  /** GET vmstrategy on a VRG with no VM: "error" (default, 10440308) or "empty" ({vmList: []}). */
  emptyListAnswer?: "error" | "empty";
  /** GET vmstrategy?vmUuid=a&vmUuid=<unknown>: "fail" (default, whole batch 10440400) or "omit". */
  unknownVmInBatch?: "fail" | "omit";
  /** GET trapinfo with none set: "error" (default, 10440402) or "zeros" ({ip:"0.0.0.0", port:0}). */
  trapNoneAnswer?: "error" | "zeros";
  /** Delete without delFlag: "reject" (default, 10440101) or "normal" (treated as 1). */
  delFlagMissing?: "reject" | "normal";
  /** A peer paired by another VRG shows the pairing in its own GET vrgmap (default true). */
  mirrorPairing?: boolean;
  /** modmngnet ends every live token (default false). */
  invalidateTokensOnMngNetChange?: boolean;
  network?: VrgNetworkOptions;
  /** Initial §3.4 answer (default status 1, 104857600 KB total and available). */
  status?: Partial<VrgStatusInfo>;
  /** Initial trap server (default none). */
  trapInfo?: { ip: string; port: number };
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Label for logs. */
  name?: string;
}
