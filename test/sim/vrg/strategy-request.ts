/**
 * The POST vmstrategy body (seed 001 §3.8.1 production, §3.8.2 DR) → a strategy as configured
 * (canonical request names), with the seed's codes for what is wrong: 10440101 for a missing,
 * ill-typed or out-of-range field, 10440301/10440302 for agentIp/agentPort, 10440401 for a
 * malformed vmUuid, 10440306/10440309 for duplicate volumes/slots in the body.
 */
import { vrgFail } from "./errors";
import { toCamel } from "./keys";
import {
  VOL_TYPES,
  type DrExtParams,
  type VolType,
  type VrgStrategyConfig,
  type VrgVolumeConfig,
} from "./models";
import { isHostIp, isObject, isPort, isUuid, optionalString, requireString, requireValid } from "./validate";

/** The strategy a POST vmstrategy body asks for: DR (§3.8.2) or production (§3.8.1); seqNum is required on Xen. */
export function parseStrategy(body: Record<string, unknown>, dr: boolean, xen: boolean): VrgStrategyConfig {
  return dr ? parseDr(body, xen) : parseProduction(body, xen);
}

function parseCommon(body: Record<string, unknown>): Pick<VrgStrategyConfig, "vmUuid" | "vmId" | "vmName"> {
  const vmUuid = requireValid(body, "vmUuid", isUuid, "invalidVmUuid");
  const out: Pick<VrgStrategyConfig, "vmUuid" | "vmId" | "vmName"> = { vmUuid };
  const vmId = optionalString(body, "vmId");
  const vmName = optionalString(body, "vmName");
  if (vmId !== undefined) out.vmId = vmId;
  if (vmName !== undefined) out.vmName = vmName;
  return out;
}

function volListOf(body: Record<string, unknown>): Array<Record<string, unknown>> {
  const list = body["volList"];
  if (!Array.isArray(list) || list.length === 0) vrgFail("invalidParameter", "volList is required");
  return list.map((item, i) => {
    if (!isObject(item)) return vrgFail("invalidParameter", `volList[${i}] must be an object`);
    return item;
  });
}

function seqNumOf(vol: Record<string, unknown>, where: string, xen: boolean): number | undefined {
  const seqNum = vol["seqNum"];
  if (seqNum === undefined && !xen) return undefined;
  if (seqNum === undefined) return vrgFail("invalidParameter", `${where}seqNum is required on Xen`);
  if (typeof seqNum !== "number" || !Number.isInteger(seqNum) || seqNum < 1 || seqNum > 40) {
    return vrgFail("invalidParameter", `${where}seqNum must be 1..40, got ${JSON.stringify(seqNum)}`);
  }
  return seqNum;
}

function parseProduction(body: Record<string, unknown>, xen: boolean): VrgStrategyConfig {
  const config: VrgStrategyConfig = { flag: 1, ...parseCommon(body), volList: [] };
  for (const key of ["encryptOption", "compressOption"] as const) {
    const value = body[key];
    if (value === undefined) continue;
    if (value !== 0 && value !== 1) vrgFail("invalidParameter", `${key} must be 0 or 1`);
    config[key] = value;
  }
  config.volList = volListOf(body).map((vol, i) => {
    const where = `volList[${i}].`;
    const out: VrgVolumeConfig = { volUuid: requireString(vol, "volUuid", where) };
    const seqNum = seqNumOf(vol, where, xen);
    if (seqNum !== undefined) out.seqNum = seqNum;
    return out;
  });
  checkDuplicates(config.volList);
  return config;
}

function parseDr(body: Record<string, unknown>, xen: boolean): VrgStrategyConfig {
  const config: VrgStrategyConfig = { flag: 2, ...parseCommon(body), volList: [] };
  config.agentIp = requireValid(body, "agentIp", isHostIp, "invalidIp");
  config.agentPort = requireValid(body, "agentPort", isPort, "invalidPort");
  const hostUrn = optionalString(body, "hostUrn");
  if (hostUrn !== undefined) config.hostUrn = hostUrn;
  config.volList = volListOf(body).map((vol, i) => {
    const where = `volList[${i}].`;
    const out: VrgVolumeConfig = {
      volUuid: requireString(vol, "volUuid", where),
      volumeUrl: requireString(vol, "volumeUrl", where),
    };
    const dsUrn = optionalString(vol, "dsUrn", where);
    if (dsUrn !== undefined) out.dsUrn = dsUrn;
    const volType = vol["volType"];
    if (volType !== undefined) {
      if (!(VOL_TYPES as readonly unknown[]).includes(volType)) {
        vrgFail("invalidParameter", `${where}volType must be one of ${VOL_TYPES.join(", ")}`);
      }
      out.volType = volType as VolType;
    }
    const seqNum = seqNumOf(vol, where, xen);
    if (seqNum !== undefined) out.seqNum = seqNum;
    const ext = drExtParamsOf(vol["drExtParams"], where);
    if (ext !== undefined) out.drExtParams = ext;
    if (out.volType === "DSWARE" && (ext?.dsMgntIp === undefined || ext.dsResourceId === undefined)) {
      vrgFail("invalidParameter", `${where}drExtParams {dsMgntIp, dsResourceId} is required for DSWARE`);
    }
    const volHostUrn = optionalString(vol, "hostUrn", where);
    if (volHostUrn !== undefined) out.hostUrn = volHostUrn;
    return out;
  });
  if (config.hostUrn === undefined) {
    const fromVolume = config.volList.find((v) => v.hostUrn !== undefined)?.hostUrn;
    if (fromVolume !== undefined) config.hostUrn = fromVolume;
  }
  checkDuplicates(config.volList);
  return config;
}

/** drExtParams: an object (sample) or a JSON string (table type String). */
function drExtParamsOf(value: unknown, where: string): DrExtParams | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown = value;
  if (typeof value === "string") {
    // The string form is opaque JSON whose keys the seed gives literally (dsMgntIp,
    // dsResourceId) in both styles; snake_case inside it is tolerated.
    try {
      parsed = JSON.parse(value) as unknown;
    } catch {
      return vrgFail("invalidParameter", `${where}drExtParams is not JSON`);
    }
    if (isObject(parsed))
      parsed = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [toCamel(k), v]));
  }
  if (!isObject(parsed)) return vrgFail("invalidParameter", `${where}drExtParams must be an object`);
  const out: DrExtParams = {};
  if (parsed["dsMgntIp"] !== undefined) {
    if (!isHostIp(parsed["dsMgntIp"])) vrgFail("invalidParameter", `${where}drExtParams.dsMgntIp`);
    out.dsMgntIp = parsed["dsMgntIp"];
  }
  if (parsed["dsResourceId"] !== undefined) {
    if (typeof parsed["dsResourceId"] !== "string")
      vrgFail("invalidParameter", `${where}drExtParams.dsResourceId`);
    out.dsResourceId = parsed["dsResourceId"];
  }
  return out;
}

/** 10440306 duplicate volUuid (case-insensitive), 10440309 duplicate seqNum (§3.8.1, §3.8.2). */
function checkDuplicates(volList: VrgVolumeConfig[]): void {
  const uuids = new Set<string>();
  const slots = new Set<number>();
  for (const v of volList) {
    const key = v.volUuid.toLowerCase();
    if (uuids.has(key)) vrgFail("duplicateVolumeUuid", v.volUuid);
    uuids.add(key);
  }
  for (const v of volList) {
    if (v.seqNum === undefined) continue;
    if (slots.has(v.seqNum)) vrgFail("duplicateSlot", `seqNum ${v.seqNum}`);
    slots.add(v.seqNum);
  }
}
