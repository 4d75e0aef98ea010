/**
 * The VRG's VM DR strategies (seed 001 §3.8 vmstrategy, §3.6 vmdrstatus) and the platform's VMs
 * they refer to (addVm): POST sets or replaces a strategy (body rules in strategy-request.ts),
 * GET queries them with the §3.8.3 paging rules, POST vmstrategy/<uuid> deletes one (delFlag),
 * `deleteMs` later. Also the strategy faults: failing volumes and deletes, faulty VMs, DR status.
 */
import { vrgFail } from "./errors";
import {
  DEL_FLAG,
  VOL_STATUS,
  type DrStatus,
  type VolStatus,
  type VrgStrategyConfig,
  type VrgStrategyView,
  type VrgVmSpec,
  type VrgVolumeConfig,
} from "./models";
import { parseStrategy } from "./strategy-request";
import {
  drStatusOf,
  strategyEntry,
  strategyView,
  type StrategyRuntime,
  type VolumeRuntime,
} from "./strategy-state";
import { isUuid } from "./validate";
import type { VrgSim } from "./vrg";

const MAX_QUERY = 100;

export class VrgStrategies {
  /** POST vmstrategy requests accepted. */
  setCount = 0;
  /** Deletes accepted. */
  deletesAccepted = 0;
  private readonly vms = new Map<string, VrgVmSpec>();
  private readonly byVm = new Map<string, StrategyRuntime>();
  private readonly pendingVolumeFailures = new Map<string, VolStatus>();
  private readonly pendingDeleteFailures = new Map<string, "once" | "sticky">();

  constructor(private readonly vrg: VrgSim) {}

  private get now(): number {
    return this.vrg.clock.now();
  }

  // ---- platform inventory -------------------------------------------------------------------

  /** Declares a VM that exists on the platform (POST vmstrategy of an undeclared VM → 10440400). */
  addVm(vm: VrgVmSpec): void {
    this.vms.set(vm.uuid.toLowerCase(), structuredClone(vm));
  }

  removeVm(uuid: string): boolean {
    return this.vms.delete(uuid.toLowerCase());
  }

  // ---- faults and drift ---------------------------------------------------------------------

  /** See VrgSim.failVolume. */
  failVolume(vmUuid: string, volUuid: string, status: VolStatus): void {
    if (status === VOL_STATUS.setting)
      throw new Error("failVolume: 5 (setting) is a transient state, not a fault");
    const strategy = this.byVm.get(vmUuid.toLowerCase());
    const volume = strategy?.volumes.find((v) => v.config.volUuid === volUuid);
    if (!strategy || !volume) {
      this.pendingVolumeFailures.set(volumeKey(vmUuid, volUuid), status);
      return;
    }
    if (strategy.config.flag === 1)
      throw new Error("failVolume: production strategies report no volStatus (§3.8.3)");
    volume.finalStatus = status;
  }

  failNextDelete(vmUuid: string, opts: { sticky?: boolean } = {}): void {
    this.pendingDeleteFailures.set(vmUuid.toLowerCase(), opts.sticky ? "sticky" : "once");
  }

  setVmFault(vmUuid: string, fault: boolean): void {
    const strategy = this.byVm.get(vmUuid.toLowerCase());
    if (!strategy) throw new Error(`setVmFault: no strategy for ${vmUuid}`);
    strategy.fault = fault;
  }

  setDrStatus(vmUuid: string, status: DrStatus | undefined): void {
    const strategy = this.byVm.get(vmUuid.toLowerCase());
    if (!strategy) throw new Error(`setDrStatus: no strategy for ${vmUuid}`);
    strategy.drStatus = status;
  }

  /** Out-of-band removal (someone deleted it on the VRG). Returns whether it existed. */
  remove(vmUuid: string): boolean {
    return this.byVm.delete(vmUuid.toLowerCase());
  }

  // ---- reads --------------------------------------------------------------------------------

  views(): VrgStrategyView[] {
    this.settle();
    return [...this.byVm.values()].map((s) => strategyView(s, this.now, this.vrg.options));
  }

  view(vmUuid: string): VrgStrategyView | undefined {
    this.settle();
    const s = this.byVm.get(vmUuid.toLowerCase());
    return s && strategyView(s, this.now, this.vrg.options);
  }

  /** A live (not deleting) DR strategy of this VRG targets this volumeUrl. */
  usesVolumeUrl(volumeUrl: string): boolean {
    for (const s of this.byVm.values()) {
      if (s.deletion || s.config.flag !== 2) continue;
      if (s.volumes.some((v) => v.config.volumeUrl === volumeUrl)) return true;
    }
    return false;
  }

  // ---- the API ------------------------------------------------------------------------------

  /** Applies due deletions (removal, or volStatus 6 for a failed normal delete). */
  settle(): void {
    const now = this.now;
    for (const [key, s] of this.byVm) {
      if (!s.deletion || s.deletion.at > now) continue;
      if (s.deletion.fails) {
        for (const v of s.volumes) {
          v.finalStatus = VOL_STATUS.deleteFailed;
          v.readyAt = Math.min(v.readyAt, s.deletion.at);
        }
        delete s.deletion;
      } else {
        this.byVm.delete(key);
      }
    }
  }

  /** GET vmdrstatus/<vmUuid> (§3.6). */
  vmDrStatus(vmUuid: string): { status: DrStatus } {
    if (!isUuid(vmUuid)) vrgFail("invalidVmUuid", vmUuid);
    const s = this.byVm.get(vmUuid.toLowerCase());
    if (!s) return vrgFail("vmNotFound", vmUuid);
    return { status: drStatusOf(s, this.now, this.vrg.options) };
  }

  /** POST vmstrategy: validates (§3.8.1 or §3.8.2 by role) and stores. */
  set(body: Record<string, unknown>): void {
    const { role, options } = this.vrg;
    const dr = role === "dr" || (role === "both" && body["agentIp"] !== undefined);
    const config = parseStrategy(body, dr, (options.platform ?? "xen") === "xen");
    this.checkAgainstInventory(config);
    const now = this.now;
    const key = config.vmUuid.toLowerCase();
    const previous = this.byVm.get(key);
    const keepPrevious = previous && !previous.deletion && previous.config.flag === config.flag;
    const volumes = config.volList.map((vol): VolumeRuntime => {
      // An unchanged volume keeps its state; a failed delete (6) is cleared by setting it again.
      const old = keepPrevious ? previous.volumes.find((v) => sameVolume(v.config, vol)) : undefined;
      if (old && old.finalStatus !== VOL_STATUS.deleteFailed) return { ...old, config: vol };
      const pending = this.pendingVolumeFailures.get(volumeKey(config.vmUuid, vol.volUuid));
      this.pendingVolumeFailures.delete(volumeKey(config.vmUuid, vol.volUuid));
      const conflict = dr && this.volumeUsedElsewhere(vol);
      return {
        config: vol,
        readyAt: dr ? now + (options.volumeSetMs ?? 2000) : now,
        finalStatus: pending ?? (conflict ? VOL_STATUS.usedByOtherVrg : VOL_STATUS.normal),
      };
    });
    const { volList: _volList, ...rest } = config;
    const runtime: StrategyRuntime = {
      config: rest,
      volumes,
      configuredAt: keepPrevious ? previous.configuredAt : now,
      drStatus: keepPrevious ? previous.drStatus : undefined,
      fault: keepPrevious ? previous.fault : false,
    };
    this.byVm.set(key, runtime);
    this.setCount += 1;
  }

  /** GET vmstrategy with the §3.8.3 query rules. */
  query(query: URLSearchParams): unknown {
    const has = (k: string): boolean => query.has(k);
    const uuids = query.getAll("vmUuid");
    if (has("limit") !== has("offset")) vrgFail("invalidParameter", "limit and offset go together");
    if (uuids.length > 0 && (has("limit") || has("faultVms"))) {
      vrgFail("invalidParameter", "vmUuid excludes limit/offset and faultVms");
    }
    let limit = MAX_QUERY;
    let offset = 0;
    if (has("limit")) {
      limit = parseNonNegativeInt(query.get("limit"), "limit");
      offset = parseNonNegativeInt(query.get("offset"), "offset");
      if (limit === 0) vrgFail("invalidParameter", "limit must be at least 1");
      if (limit > MAX_QUERY) {
        limit = MAX_QUERY;
        offset = 0;
      }
    }
    let faultOnly = false;
    if (has("faultVms")) {
      const f = query.get("faultVms");
      if (f !== "0" && f !== "1") vrgFail("invalidParameter", `faultVms=${f}`);
      faultOnly = f === "1";
    }
    for (const u of uuids) if (!isUuid(u)) vrgFail("invalidVmUuid", u);
    const options = this.vrg.options;
    if (this.byVm.size === 0 && options.emptyListAnswer !== "empty") vrgFail("noVmInSystem");

    let selected: StrategyRuntime[];
    if (uuids.length > 0) {
      selected = [];
      const seen = new Set<string>();
      for (const u of uuids.slice(0, MAX_QUERY)) {
        const key = u.toLowerCase();
        if (seen.has(key)) continue;
        seen.add(key);
        const s = this.byVm.get(key);
        if (s) selected.push(s);
        else if (options.unknownVmInBatch !== "omit") vrgFail("vmNotFound", u);
      }
    } else {
      const all = [...this.byVm.values()].filter((s) => !faultOnly || s.fault);
      selected = all.slice(offset, offset + limit);
    }
    const now = this.now;
    return { vmList: selected.map((s) => strategyEntry(s, now, options)) };
  }

  /** POST vmstrategy/<vmUuid>: accepts a delete, answers the pre-deletion drStatus (§3.8.4). */
  delete(vmUuid: string, body: Record<string, unknown>): { drStatus: DrStatus } {
    const options = this.vrg.options;
    if (!isUuid(vmUuid)) vrgFail("invalidVmUuid", vmUuid);
    let delFlag = body["delFlag"];
    if (delFlag === undefined && options.delFlagMissing === "normal") delFlag = DEL_FLAG.normal;
    if (delFlag !== DEL_FLAG.normal && delFlag !== DEL_FLAG.force) {
      vrgFail("invalidParameter", `delFlag must be 1 or 2, got ${JSON.stringify(delFlag)}`);
    }
    const key = vmUuid.toLowerCase();
    const s = this.byVm.get(key);
    if (!s) return vrgFail("vmNotFound", vmUuid);
    const now = this.now;
    const drStatus = drStatusOf(s, now, options);
    if (
      s.deletion &&
      !s.deletion.fails &&
      (s.deletion.delFlag === DEL_FLAG.force || delFlag === DEL_FLAG.normal)
    ) {
      return { drStatus }; // already being deleted
    }
    let fails = false;
    const armed = this.pendingDeleteFailures.get(key);
    if (delFlag === DEL_FLAG.normal && armed) {
      fails = true;
      if (armed === "once") this.pendingDeleteFailures.delete(key);
    }
    s.deletion = { at: now + (options.deleteMs ?? 2000), delFlag, fails };
    this.deletesAccepted += 1;
    this.settle();
    return { drStatus };
  }

  // ---- internals ----------------------------------------------------------------------------

  /** 10440400 for an undeclared VM, 10440101 for a volume not of the VM, 10440306 across VMs of this VRG. */
  private checkAgainstInventory(config: VrgStrategyConfig): void {
    const key = config.vmUuid.toLowerCase();
    if (this.vrg.options.requireDeclaredVms !== false) {
      const vm = this.vms.get(key);
      if (!vm) return vrgFail("vmNotFound", config.vmUuid);
      if (vm.volumes && vm.volumes.length > 0) {
        const known = new Set(vm.volumes.map((v) => (typeof v === "string" ? v : v.uuid)));
        for (const v of config.volList) {
          if (!known.has(v.volUuid))
            vrgFail("invalidParameter", `volume ${v.volUuid} does not belong to VM ${config.vmUuid}`);
        }
      }
    }
    for (const [otherKey, other] of this.byVm) {
      if (otherKey === key || other.deletion) continue;
      for (const v of config.volList) {
        if (other.volumes.some((o) => sameUuid(o.config.volUuid, v.volUuid))) {
          vrgFail("duplicateVolumeUuid", `${v.volUuid} is already configured for VM ${other.config.vmUuid}`);
        }
      }
    }
  }

  /** Another VRG of the fabric has a DR strategy on the same target volume (volumeUrl). */
  private volumeUsedElsewhere(vol: VrgVolumeConfig): boolean {
    if (vol.volumeUrl === undefined) return false;
    const url = vol.volumeUrl;
    return this.vrg.fabric.vrgs().some((other) => other !== this.vrg && other.vmstrategy.usesVolumeUrl(url));
  }
}

function volumeKey(vmUuid: string, volUuid: string): string {
  return `${vmUuid.toLowerCase()}/${volUuid}`;
}

function sameVolume(a: VrgVolumeConfig, b: VrgVolumeConfig): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Volume UUIDs compare case-insensitively, as VM UUIDs do (UNCONFIRMED for volumes). */
function sameUuid(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function parseNonNegativeInt(value: string | null, name: string): number {
  if (value === null || !/^\d+$/.test(value)) return vrgFail("invalidParameter", `${name}=${value}`);
  return Number(value);
}
