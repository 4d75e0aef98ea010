/**
 * Wire key style of the VRG simulator (seed 001 tables use camelCase, the §3.7.1 sample uses
 * snake_case `dst_ip`/`dst_port`; reference part B3 and addendum item 5: UNCONFIRMED which one a
 * real VRG speaks). The simulator speaks exactly one style, chosen by `keyStyle`:
 *
 * - "camel": JSON body keys as in the seed's tables (`dstIp`, `vmUuid`, `volList`, ...).
 * - "snake": every multi-word key in snake_case (`dst_ip`, `vm_uuid`, `vol_list`, ...), obtained
 *   mechanically from the camel name (`netInfos` → `net_infos`, `IP` → `ip`).
 *
 * Requests: a known key spelled in the other style is rejected with 10440101 (the real service
 * would not recognise it, so a required field would be missing anyway). Unknown keys are ignored.
 * Query parameter names (`limit`, `offset`, `vmUuid`, `faultVms`) are the same in the seed's table
 * and sample and do not follow keyStyle. The error body `{errorCode, errorDes}` never changes.
 */

export type KeyStyle = "camel" | "snake";

/** Every request body key the simulator knows, in camelCase (the canonical internal form). */
export const REQUEST_KEYS: ReadonlySet<string> = new Set([
  // §3.2 trapinfo
  "ip",
  "port",
  // §3.7.1 vrgmap
  "dstIp",
  "dstPort",
  // §3.8.1 / §3.8.2 vmstrategy
  "vmUuid",
  "vmId",
  "vmName",
  "encryptOption",
  "compressOption",
  "hostUrn",
  "agentIp",
  "agentPort",
  "volList",
  "volUuid",
  "seqNum",
  "volumeUrl",
  "dsUrn",
  "volType",
  "drExtParams",
  "dsMgntIp",
  "dsResourceId",
  // §3.8.4 delete
  "delFlag",
  // §3.9 modmngnet
  "newIp",
  "newMask",
  "newGateway",
]);

/** "dstVolDsUrn" → "dst_vol_ds_urn"; "IP" → "ip". */
export function toSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1_$2")
    .toLowerCase();
}

/** "dst_vol_ds_urn" → "dstVolDsUrn". */
export function toCamel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

const SNAKE_OF_KNOWN = new Map([...REQUEST_KEYS].map((k) => [toSnake(k), k]));

/** Thrown when a request uses a key in the other style; routes map it to 10440101. */
export class WrongKeyStyleError extends Error {
  constructor(
    readonly key: string,
    readonly expected: string,
  ) {
    super(`key ${JSON.stringify(key)} is not recognised (this VRG expects ${JSON.stringify(expected)})`);
    this.name = "WrongKeyStyleError";
  }
}

/**
 * Request body in wire style → canonical camelCase. Throws WrongKeyStyleError when a known key
 * is spelled in the other style. Unknown keys are kept as they are (and ignored by the model).
 */
export function fromWire(value: unknown, style: KeyStyle): unknown {
  if (Array.isArray(value)) return value.map((v) => fromWire(v, style));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
    let canonical = key;
    if (style === "camel") {
      const known = SNAKE_OF_KNOWN.get(key);
      if (key.includes("_") && known !== undefined) throw new WrongKeyStyleError(key, known);
    } else {
      if (REQUEST_KEYS.has(key) && toSnake(key) !== key) throw new WrongKeyStyleError(key, toSnake(key));
      canonical = key.includes("_") ? toCamel(key) : key;
    }
    out[canonical] = fromWire(inner, style);
  }
  return out;
}

/** Canonical camelCase response → wire style (object keys only, recursively). */
export function toWire(value: unknown, style: KeyStyle): unknown {
  if (style === "camel") return value;
  if (Array.isArray(value)) return value.map((v) => toWire(v, style));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value as Record<string, unknown>))
    out[toSnake(key)] = toWire(inner, style);
  return out;
}
