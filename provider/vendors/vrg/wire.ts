/**
 * The one mapping layer between our model of each VRG object and its JSON on the wire.
 *
 * Seed 001's tables name body keys in camelCase (`dstIp`) while its `vrgmap` sample sends
 * snake_case (`dst_ip`): the key style is a connection option (`keyStyle`, camelCase by
 * default since §2.1.5 makes the tables normative). Requests are written in the chosen style;
 * responses are read in either style. Request and response names also differ per object
 * (`compressOption` vs `compressMethod`, `dsUrn` vs `dstVolDsUrn`, `volUuid` vs
 * `proVolUuid`), numbers may arrive as numeric strings, `drExtParams` as a JSON string or an
 * object, and `hostUrn` on the VM or on its volumes: each reader below accepts every form
 * and each writer sends the table's form. Query parameter names (`vmUuid`, `faultVms`,
 * `limit`, `offset`) are camelCase in every sample and are not restyled.
 */

export type KeyStyle = "camel" | "snake";

export function snakeKey(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toLowerCase();
}

export function camelKey(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Rewrites every key of a JSON value in the given style (strings are left alone). */
export function encodeKeys(value: unknown, style: KeyStyle): unknown {
  if (style === "camel") return value;
  if (Array.isArray(value)) return value.map((v) => encodeKeys(v, style));
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [snakeKey(k), encodeKeys(v, style)]),
    );
  }
  return value;
}

/** Normalises every key of a response to camelCase, whichever style the VRG used. */
export function decodeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeKeys);
  if (value && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [camelKey(k), decodeKeys(v)]),
    );
  }
  return value;
}

type Raw = Record<string, unknown>;

function obj(value: unknown): Raw {
  return value && typeof value === "object" && !Array.isArray(value) ? (decodeKeys(value) as Raw) : {};
}

/** Integer from a number or a numeric string (samples show `"status": string`). */
export function int(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number") return String(value);
  return undefined;
}

function first(raw: Raw, ...keys: string[]): unknown {
  for (const k of keys) if (raw[k] !== undefined && raw[k] !== null) return raw[k];
  return undefined;
}

function omitUndefined<T extends Raw>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// ---- versions (§3.1.1) ---------------------------------------------------------------

export interface VrgVersion {
  version: string;
  loginUri?: string;
}

export const versionsWire = {
  fromWire(body: unknown): VrgVersion[] {
    const list = obj(body).versions;
    if (!Array.isArray(list)) return [];
    return list.map((v) => {
      const r = obj(v);
      // The table says loginUri, the sample loginUrl.
      return omitUndefined({
        version: str(r.version) ?? "",
        loginUri: str(first(r, "loginUri", "loginUrl")),
      });
    });
  },
};

// ---- login (§3.1.2) ------------------------------------------------------------------

export const loginWire = {
  fromWire(body: unknown): { validityMs?: number; vrgUuid?: string } {
    const r = obj(body);
    return omitUndefined({ validityMs: int(r.validity), vrgUuid: str(r.uuid) });
  },
};

// ---- trapinfo (§3.2, §3.3) -----------------------------------------------------------

export interface TrapInfo {
  ip: string;
  port: number;
}

/** The seed's "no alarm server" value: `ip` 0.0.0.0 deletes the setting (§3.2). */
export const NO_TRAP_IP = "0.0.0.0";

export const trapInfoWire = {
  toWire(t: TrapInfo, style: KeyStyle): unknown {
    return encodeKeys({ ip: t.ip, port: t.port }, style);
  },
  fromWire(body: unknown): Partial<TrapInfo> {
    const r = obj(body);
    return omitUndefined({ ip: str(first(r, "ip", "IP")), port: int(r.port) });
  },
};

// ---- vrgstatus (§3.4) ----------------------------------------------------------------

export interface VrgStatusRecord {
  status?: number;
  availableCapacityKb?: number;
  totalCapacityKb?: number;
}

export const vrgStatusWire = {
  fromWire(body: unknown): VrgStatusRecord {
    const r = obj(body);
    return omitUndefined({
      status: int(r.status),
      availableCapacityKb: int(r.availableCapacity),
      totalCapacityKb: int(r.totalCapacity),
    });
  },
};

// ---- netinfos (§3.5) -----------------------------------------------------------------

export interface NetInfoRecord {
  type?: number;
  ip?: string;
  port?: number;
  gateway?: string;
  netmask?: string;
}

export const netInfosWire = {
  fromWire(body: unknown): NetInfoRecord[] {
    const r = obj(body);
    // The table names the list netInfos, the sample netinfos.
    const list = first(r, "netInfos", "netinfos");
    if (!Array.isArray(list)) return [];
    return list.map((n) => {
      const x = obj(n);
      return omitUndefined({
        type: int(x.type),
        ip: str(first(x, "ip", "IP")),
        port: int(x.port),
        gateway: str(x.gateway),
        netmask: str(x.netmask),
      });
    });
  },
};

// ---- vmdrstatus (§3.6) and deletion's drStatus (§3.8.4) ------------------------------

export const drStatusWire = {
  fromWire(body: unknown): number | undefined {
    const r = obj(body);
    return int(first(r, "status", "drStatus"));
  },
};

// ---- vrgmap (§3.7) -------------------------------------------------------------------

export interface PairingRequest {
  peerIp: string;
  peerPort: number;
}

export interface PairingRecord {
  peerIp?: string;
  peerPort?: number;
  status?: number;
}

export const pairingWire = {
  toWire(p: PairingRequest, style: KeyStyle): unknown {
    return encodeKeys({ dstIp: p.peerIp, dstPort: p.peerPort }, style);
  },
  fromWire(body: unknown): PairingRecord {
    const r = obj(body);
    return omitUndefined({ peerIp: str(r.dstIp), peerPort: int(r.dstPort), status: int(r.status) });
  },
};

// ---- vmstrategy (§3.8) ---------------------------------------------------------------

export interface DrExtParams {
  dsMgntIp?: string;
  dsResourceId?: string;
}

export interface ProductionVolume {
  volUuid: string;
  slot?: number;
}

export interface DrVolume {
  volUuid: string;
  volumeUrl: string;
  dsUrn?: string;
  volType: "LOCALPOME" | "LUNPOME" | "NAS" | "DSWARE";
  slot?: number;
  drExtParams?: DrExtParams;
}

interface StrategyCommon {
  vmUuid: string;
  vmId?: string;
  vmName?: string;
}

export interface ProductionStrategy extends StrategyCommon {
  role: "production";
  encryption: "none" | "aes128";
  compression: boolean;
  volumes: ProductionVolume[];
}

export interface DrStrategy extends StrategyCommon {
  role: "dr";
  hostUrn?: string;
  agentIp: string;
  agentPort: number;
  volumes: DrVolume[];
}

export type StrategySpec = ProductionStrategy | DrStrategy;

/** One volume as the VRG reports it (§3.8.3). */
export interface VolumeRecord {
  volUuid: string;
  slot?: number;
  volumeUrl?: string;
  dsUrn?: string;
  volType?: string;
  /** DR side only (absent when flag is 1). */
  volStatus?: number;
  drExtParams?: DrExtParams;
  hostUrn?: string;
}

/** One entry of `vmList` (§3.8.3). */
export interface StrategyRecord {
  vmUuid: string;
  role?: "production" | "dr";
  flag?: number;
  encryption?: "none" | "aes128" | string;
  compression?: boolean;
  hostUrn?: string;
  agentIp?: string;
  agentPort?: number;
  volumes: VolumeRecord[];
}

function drExtToWire(p: DrExtParams | undefined): string | undefined {
  // The table types drExtParams as String holding a JSON object; the table's form is sent.
  return p
    ? JSON.stringify(omitUndefined({ dsMgntIp: p.dsMgntIp, dsResourceId: p.dsResourceId }))
    : undefined;
}

function drExtFromWire(value: unknown): DrExtParams | undefined {
  let v = value;
  if (typeof v === "string") {
    try {
      v = JSON.parse(v);
    } catch {
      return undefined;
    }
  }
  if (!v || typeof v !== "object") return undefined;
  const r = obj(v);
  const out = omitUndefined({ dsMgntIp: str(r.dsMgntIp), dsResourceId: str(r.dsResourceId) });
  return Object.keys(out).length ? out : undefined;
}

function encryptionFromWire(value: unknown): "none" | "aes128" | string | undefined {
  const n = int(value);
  if (n === 0) return "none";
  if (n === 1) return "aes128";
  return typeof value === "string" && value ? value.toLowerCase() : undefined;
}

function compressionFromWire(value: unknown): boolean | undefined {
  const n = int(value);
  if (n !== undefined) return n === 1;
  return typeof value === "boolean" ? value : undefined;
}

export const strategyWire = {
  /** Request body of POST vmstrategy (§3.8.1 production, §3.8.2 DR). */
  toWire(s: StrategySpec, style: KeyStyle): unknown {
    const common = { vmUuid: s.vmUuid, vmId: s.vmId, vmName: s.vmName };
    if (s.role === "production") {
      return encodeKeys(
        omitUndefined({
          ...common,
          encryptOption: s.encryption === "aes128" ? 1 : 0,
          compressOption: s.compression ? 1 : 0,
          volList: s.volumes.map((v) => omitUndefined({ volUuid: v.volUuid, seqNum: v.slot })),
        }),
        style,
      );
    }
    return encodeKeys(
      omitUndefined({
        ...common,
        hostUrn: s.hostUrn,
        agentIp: s.agentIp,
        agentPort: s.agentPort,
        volList: s.volumes.map((v) =>
          omitUndefined({
            volUuid: v.volUuid,
            volumeUrl: v.volumeUrl,
            dsUrn: v.dsUrn,
            volType: v.volType,
            seqNum: v.slot,
            drExtParams: drExtToWire(v.drExtParams),
          }),
        ),
      }),
      style,
    );
  },

  /** The `vmList` of a GET vmstrategy answer. */
  listFromWire(body: unknown): StrategyRecord[] {
    const list = obj(body).vmList;
    return Array.isArray(list) ? list.map((e) => strategyWire.fromWire(e)) : [];
  },

  fromWire(entry: unknown): StrategyRecord {
    const r = obj(entry);
    const flag = int(r.flag);
    const vols = Array.isArray(r.volList) ? r.volList.map(obj) : [];
    const volumes = vols.map((v) =>
      omitUndefined({
        // proVolUuid (sample) names the production volume unambiguously; volUuid (table) too.
        volUuid: str(first(v, "proVolUuid", "volUuid")) ?? "",
        slot: int(v.seqNum),
        volumeUrl: str(v.volumeUrl),
        dsUrn: str(first(v, "dstVolDsUrn", "dstVolDsurn", "dsUrn")),
        volType: str(first(v, "dstVolType", "volType")),
        volStatus: int(v.volStatus),
        drExtParams: drExtFromWire(v.drExtParams),
        hostUrn: str(v.hostUrn),
      }),
    );
    const hostUrn = str(r.hostUrn) ?? volumes.find((v) => v.hostUrn)?.hostUrn;
    return omitUndefined({
      vmUuid: str(r.vmUuid) ?? "",
      flag,
      role: flag === 1 ? ("production" as const) : flag === 2 ? ("dr" as const) : undefined,
      encryption: encryptionFromWire(first(r, "encryptMethod", "encryptOption")),
      compression: compressionFromWire(first(r, "compressMethod", "compressOption")),
      hostUrn,
      agentIp: str(r.agentIp),
      agentPort: int(r.agentPort),
      volumes,
    });
  },
};

export const deleteStrategyWire = {
  toWire(force: boolean, style: KeyStyle): unknown {
    // delFlag is required (and "default 1"): always sent.
    return encodeKeys({ delFlag: force ? 2 : 1 }, style);
  },
};

// ---- modmngnet (§3.9) ----------------------------------------------------------------

export interface ManagementNetwork {
  ip: string;
  netmask: string;
  gateway: string;
}

export const modMngNetWire = {
  toWire(n: ManagementNetwork, style: KeyStyle): unknown {
    return encodeKeys({ newIp: n.ip, newMask: n.netmask, newGateway: n.gateway }, style);
  },
  fromWire(body: unknown): Partial<ManagementNetwork> {
    // The sample answers {"IP", "netmask", "netGateway"}.
    const raw = body && typeof body === "object" ? (body as Raw) : {};
    const r = obj(body);
    return omitUndefined({
      ip: str(first(raw, "IP", "ip") ?? r.newIp),
      netmask: str(first(r, "netmask", "newMask")),
      gateway: str(first(r, "netGateway", "gateway", "newGateway")),
    });
  },
};
