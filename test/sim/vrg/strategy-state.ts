/**
 * One configured VM DR strategy over time (seed 001 §3.6, §3.8.3): its runtime record, its DR
 * status and each volume's volStatus at a clock time, the test view, and its vmList entry in
 * GET vmstrategy (production entries without volStatus/agent/hostUrn/dstVol*, DR entries
 * without compress/encrypt; sample or table names; Xen returns seqNum).
 */
import {
  DR_STATUS,
  VOL_STATUS,
  type DelFlag,
  type DrStatus,
  type VolStatus,
  type VrgStrategyConfig,
  type VrgStrategyView,
  type VrgVolumeConfig,
} from "./models";
import type { VrgSimOptions } from "./modes";

export interface VolumeRuntime {
  config: VrgVolumeConfig;
  readyAt: number;
  finalStatus: VolStatus;
}

export interface StrategyRuntime {
  config: Omit<VrgStrategyConfig, "volList">;
  volumes: VolumeRuntime[];
  configuredAt: number;
  drStatus?: DrStatus;
  fault: boolean;
  deletion?: { at: number; delFlag: DelFlag; fails: boolean };
}

/** §3.6: the override, else 3 (consistency check) for initialSyncMs after configuration, then 1. */
export function drStatusOf(s: StrategyRuntime, now: number, options: VrgSimOptions): DrStatus {
  if (s.drStatus !== undefined) return s.drStatus;
  const syncMs = options.initialSyncMs ?? 5000;
  return now < s.configuredAt + syncMs ? DR_STATUS.consistencyCheck : DR_STATUS.incrementalQueue;
}

/** §3.8.3 volStatus: 5 (setting) until the volume is ready, then its outcome. */
export function volStatusOf(v: VolumeRuntime, now: number): VolStatus {
  return now < v.readyAt ? VOL_STATUS.setting : v.finalStatus;
}

export function strategyView(s: StrategyRuntime, now: number, options: VrgSimOptions): VrgStrategyView {
  return {
    ...structuredClone(s.config),
    volList: s.volumes.map((v) => ({ ...structuredClone(v.config), volStatus: volStatusOf(v, now) })),
    drStatus: drStatusOf(s, now, options),
    fault: s.fault,
    deleting: s.deletion !== undefined,
    configuredAt: s.configuredAt,
  };
}

/** One vmList entry of GET vmstrategy (canonical names; §3.8.3 table and sample). */
export function strategyEntry(
  s: StrategyRuntime,
  now: number,
  options: VrgSimOptions,
): Record<string, unknown> {
  const c = s.config;
  const xen = (options.platform ?? "xen") === "xen";
  const code = (n: number): number | string => (options.sampleTypes ? String(n) : n);
  if (c.flag === 1) {
    const names =
      options.responseNames === "table"
        ? { compress: "compressOption", encrypt: "encryptOption" }
        : { compress: "compressMethod", encrypt: "encryptMethod" };
    return {
      flag: 1,
      vmUuid: c.vmUuid,
      [names.compress]: code(c.compressOption ?? 0),
      [names.encrypt]: code(c.encryptOption ?? 0),
      volList: s.volumes.map((v) => {
        const out: Record<string, unknown> = { volUuid: v.config.volUuid };
        if (xen && v.config.seqNum !== undefined) out["seqNum"] = v.config.seqNum;
        return out;
      }),
    };
  }
  const entry: Record<string, unknown> = { flag: 2, vmUuid: c.vmUuid };
  if (c.hostUrn !== undefined) entry["hostUrn"] = c.hostUrn;
  entry["agentIp"] = c.agentIp;
  entry["agentPort"] = c.agentPort;
  entry["volList"] = s.volumes.map((v) => {
    const vol = v.config;
    const out: Record<string, unknown> = { volUuid: vol.volUuid, proVolUuid: vol.volUuid };
    if (vol.dsUrn !== undefined) out["dstVolDsUrn"] = vol.dsUrn;
    if (vol.volType !== undefined) out["dstVolType"] = vol.volType;
    out["volStatus"] = volStatusOf(v, now);
    if (xen && vol.seqNum !== undefined) out["seqNum"] = vol.seqNum;
    out["volumeUrl"] = vol.volumeUrl;
    if (vol.drExtParams !== undefined) {
      out["drExtParams"] =
        options.drExtParamsAs === "string" ? JSON.stringify(vol.drExtParams) : { ...vol.drExtParams };
    }
    return out;
  });
  return entry;
}
