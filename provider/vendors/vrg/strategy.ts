/**
 * VM DR strategies (seed 001 §3.8): set on the production VRG (§3.8.1) or on the DR VRG
 * (§3.8.2), query (§3.8.3, coalesced in strategy-reader.ts), delete with delFlag (§3.8.4).
 * `ensureStrategy` and `removeStrategy` are the idempotent flows the Pulumi handler (or any
 * script) uses: look before setting, wait by querying as the seed requires, and report each
 * volume's state with its meaning.
 */
import { ConflictError, isDrplaneError, NotFoundError } from "../../core/errors";
import { poll, type PollVerdict } from "../../core/poll";
import { createOnce } from "../../core/retry";
import type { VrgClient } from "./client";
import { describeCode, DR_STATUS, VOLUME_REMEDY, VOLUME_STATUS } from "./states";
import { invalidateStrategies, readStrategy } from "./strategy-reader";
import {
  deleteStrategyWire,
  drStatusWire,
  strategyWire,
  type StrategyRecord,
  type StrategySpec,
} from "./wire";

/** POST vmstrategy: sets the strategy of one VM (production or DR body). */
export async function postStrategy(client: VrgClient, spec: StrategySpec): Promise<void> {
  // Before and after: a listing that overlapped the write must not be served afterwards.
  invalidateStrategies(client);
  try {
    await client.callWithBody({
      method: "POST",
      path: "/vmstrategy",
      object: `vmstrategy-${spec.role}`,
      write: (style) => strategyWire.toWire(spec, style),
      operation: spec.role === "production" ? "setProductionVmStrategy" : "setDrVmStrategy",
      idempotent: false,
    });
  } finally {
    invalidateStrategies(client);
  }
}

/**
 * POST vmstrategy/<vmUuid>/ {delFlag}: starts deleting; answers the VM's DR status before
 * deletion. Repeating it is harmless (a gone VM answers 10440400), so it is retried.
 */
export async function postStrategyDeletion(
  client: VrgClient,
  vmUuid: string,
  force: boolean,
): Promise<number | undefined> {
  invalidateStrategies(client);
  try {
    const res = await client.callWithBody<unknown>({
      method: "POST",
      path: `/vmstrategy/${encodeURIComponent(vmUuid)}/`,
      object: "vmstrategy-delete",
      write: (style) => deleteStrategyWire.toWire(force, style),
      operation: force ? "forceDeleteVmStrategy" : "deleteVmStrategy",
      idempotent: true,
    });
    return drStatusWire.fromWire(res.body);
  } finally {
    invalidateStrategies(client);
  }
}

// ---- comparing the declared strategy with the VRG's ------------------------------------

/**
 * How the VRG's strategy differs from the declared one, one line per difference. Fields the
 * VRG does not report (vmId, vmName; per role, §3.8.3) are not compared.
 */
export function strategyDifferences(live: StrategyRecord, spec: StrategySpec): string[] {
  const diffs: string[] = [];
  const differ = (what: string, now: unknown, want: unknown) => {
    if (now !== undefined && want !== undefined && now !== want)
      diffs.push(`${what} is ${String(now)} (declared ${String(want)})`);
  };
  if (live.role && live.role !== spec.role) diffs.push(`role is ${live.role} (declared ${spec.role})`);
  if (spec.role === "production") {
    differ("encryption", live.encryption, spec.encryption);
    differ("compression", live.compression, spec.compression);
  } else {
    differ("agentIp", live.agentIp, spec.agentIp);
    differ("agentPort", live.agentPort, spec.agentPort);
    differ("hostUrn", live.hostUrn, spec.hostUrn);
  }
  const liveVols = new Map(live.volumes.map((v) => [v.volUuid, v]));
  const wanted = new Set(spec.volumes.map((v) => v.volUuid));
  for (const v of spec.volumes) {
    const l = liveVols.get(v.volUuid);
    if (!l) {
      diffs.push(`volume ${v.volUuid} is not configured`);
      continue;
    }
    differ(`volume ${v.volUuid} slot`, l.slot, v.slot);
    if (spec.role === "dr" && "volumeUrl" in v) {
      differ(`volume ${v.volUuid} volumeUrl`, l.volumeUrl, v.volumeUrl);
      differ(`volume ${v.volUuid} dsUrn`, l.dsUrn, v.dsUrn);
      differ(`volume ${v.volUuid} volType`, l.volType, v.volType);
      if (l.drExtParams && v.drExtParams) {
        differ(`volume ${v.volUuid} dsMgntIp`, l.drExtParams.dsMgntIp, v.drExtParams.dsMgntIp);
        differ(`volume ${v.volUuid} dsResourceId`, l.drExtParams.dsResourceId, v.drExtParams.dsResourceId);
      }
    }
  }
  for (const l of live.volumes)
    if (!wanted.has(l.volUuid)) diffs.push(`volume ${l.volUuid} is configured but not declared`);
  return diffs;
}

export interface VolumeState {
  volUuid: string;
  /** volStatus (DR side only; the production side reports none, §3.8.3). */
  status: number | null;
  state: string;
  meaning: string;
}

export function volumeStates(record: StrategyRecord): VolumeState[] {
  return record.volumes.map((v) => {
    if (v.volStatus === undefined)
      return { volUuid: v.volUuid, status: null, state: "listed", meaning: "listed" };
    const d = describeCode(VOLUME_STATUS, v.volStatus);
    return { volUuid: v.volUuid, status: v.volStatus, state: d.name, meaning: d.meaning };
  });
}

/** The volumes in an error state (2 path, 3 type, 4 other VRG, 6 delete failed). */
export function volumeErrors(record: StrategyRecord): VolumeState[] {
  return volumeStates(record).filter((v) => v.status !== null && v.status !== 1 && v.status !== 5);
}

function formatVolumes(vols: VolumeState[]): string {
  return vols.map((v) => `volume ${v.volUuid}: ${v.meaning} (volStatus ${v.status})`).join("; ");
}

/**
 * Done when the VM is listed with every declared volume and (where the VRG reports volume
 * states, i.e. the DR side) each of them is normal (1). 5 (setting) and unreported states
 * are pending; 2, 3, 4 and 6 fail with their meaning.
 */
export function classifyStrategy(record: StrategyRecord | undefined, spec: StrategySpec): PollVerdict {
  if (!record) return { status: "pending", state: "notListed", message: "the VM is not listed yet" };
  const listed = new Map(record.volumes.map((v) => [v.volUuid, v]));
  const missing = spec.volumes.filter((v) => !listed.has(v.volUuid)).map((v) => v.volUuid);
  const errors = volumeErrors({
    ...record,
    volumes: record.volumes.filter((v) => spec.volumes.some((s) => s.volUuid === v.volUuid)),
  });
  if (errors.length) {
    const remedies = [...new Set(errors.map((e) => VOLUME_REMEDY[e.status ?? 0]).filter(Boolean))];
    return {
      status: "failure",
      state: errors.map((e) => e.state).join(", "),
      message: formatVolumes(errors),
      meta: {
        vendorDetail: Object.fromEntries(errors.map((e) => [e.volUuid, String(e.status)])),
        ...(remedies.length ? { remedy: remedies.join("; ") } : {}),
      },
    };
  }
  if (missing.length)
    return {
      status: "pending",
      state: "volumesMissing",
      message: `volumes not listed yet: ${missing.join(", ")}`,
    };
  const unsettled = volumeStates(record).filter(
    (v) => listed.has(v.volUuid) && v.status !== null && v.status !== 1,
  );
  if (unsettled.length) {
    return {
      status: "pending",
      state: unsettled.map((v) => `volume ${v.volUuid} ${v.state}`).join(", "),
      message: formatVolumes(unsettled),
    };
  }
  return { status: "success" };
}

// ---- flows ----------------------------------------------------------------------------

export interface StrategyFlowSpec {
  client: VrgClient;
  strategy: StrategySpec;
  /** Take over a strategy that differs from the declared one (else that is a conflict). */
  adopt?: boolean;
  /** Set it even when the VRG reports the declared values (a field it does not report changed). */
  reset?: boolean;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}

export interface StrategyResult {
  record: StrategyRecord;
  /** True when the VRG already had exactly this strategy (nothing was set). */
  adopted: boolean;
  /** True when a POST was sent. */
  set: boolean;
}

/**
 * Waits until the strategy is in place (see classifyStrategy). `live`, when given, is a
 * snapshot already read (it is judged first instead of reading the VRG again).
 */
export async function waitForStrategy(
  client: VrgClient,
  strategy: StrategySpec,
  timeoutMs: number,
  onProgress?: (message: string) => void,
  live?: StrategyRecord,
): Promise<StrategyRecord> {
  const r = await poll<StrategyRecord | undefined>({
    what: `${strategy.role === "dr" ? "DR-side" : "production-side"} strategy of VM ${strategy.vmUuid}`,
    describe: () => readStrategy(client, strategy.vmUuid, { fresh: true }),
    first: live ? { snapshot: live } : undefined,
    classify: (rec) => classifyStrategy(rec, strategy),
    timeoutMs,
    clock: client.clock,
    onProgress,
    meta: { vendor: "vrg", operation: "queryVmStrategy" },
  });
  return r.snapshot as StrategyRecord;
}

/**
 * Sets the strategy unless the VRG already has exactly it (then it is adopted), and waits
 * until every volume is in place. A strategy of the other role, or a different one without
 * `adopt`, is a conflict that names the differences. A set that may have reached the VRG
 * before a failure is followed by a lookup, never blindly repeated.
 */
export async function ensureStrategy(spec: StrategyFlowSpec): Promise<StrategyResult> {
  const { client, strategy } = spec;
  const live = await readStrategy(client, strategy.vmUuid, { fresh: true });
  let set = false;
  if (live) {
    const diffs = strategyDifferences(live, strategy);
    if (live.role && live.role !== strategy.role) {
      throw new ConflictError(
        `VM ${strategy.vmUuid} has a ${live.role} DR strategy on this VRG; declared ${strategy.role}`,
        {
          meta: {
            vendor: "vrg",
            operation: "setVmStrategy",
            remedy: "declare it on the right VRG, or delete the existing strategy first",
          },
        },
      );
    }
    if (diffs.length && !spec.adopt) {
      throw new ConflictError(
        `VM ${strategy.vmUuid} already has a different DR strategy on this VRG: ${diffs.join("; ")}`,
        {
          meta: {
            vendor: "vrg",
            operation: "setVmStrategy",
            remedy:
              "declare the existing values, or set adopt: true to overwrite it with the declared strategy",
          },
        },
      );
    }
    if (diffs.length || spec.reset) {
      spec.onProgress?.(
        `VM ${strategy.vmUuid}: setting the strategy again${diffs.length ? ` (${diffs.join("; ")})` : ""}`,
      );
      await postStrategy(client, strategy);
      set = true;
    } else {
      spec.onProgress?.(`VM ${strategy.vmUuid}: the VRG already has this strategy; adopting it`);
    }
  } else {
    await createOnce<true | StrategyRecord>({
      clock: client.clock,
      lookup: () => readStrategy(client, strategy.vmUuid, { fresh: true }),
      create: async () => {
        await postStrategy(client, strategy);
        return true;
      },
    });
    set = true;
    spec.onProgress?.(
      `VM ${strategy.vmUuid}: ${strategy.role} strategy set; waiting for ${strategy.volumes.length} volume(s)`,
    );
  }
  // Nothing set: the snapshot just read is judged first. After a POST, the VRG is read again.
  const record = await waitForStrategy(
    client,
    strategy,
    spec.timeoutMs,
    spec.onProgress,
    set ? undefined : live,
  );
  return { record, adopted: !set, set };
}

export type DeleteMode = "normal" | "force" | "forceOnFailure";

export interface RemoveStrategySpec {
  client: VrgClient;
  vmUuid: string;
  /** normal (delFlag 1, default), force (delFlag 2), or normal then force if it fails. */
  mode: DeleteMode;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}

export interface RemoveStrategyResult {
  alreadyGone: boolean;
  /** The VM's DR status the VRG reported before deletion (§3.8.4). */
  drStatus?: number;
  drStatusName?: string;
  forced: boolean;
}

/** Deletes the strategy and waits until the VM is no longer listed. Already gone is done. */
export async function removeStrategy(spec: RemoveStrategySpec): Promise<RemoveStrategyResult> {
  const { client, vmUuid } = spec;
  const before = await readStrategy(client, vmUuid, { fresh: true });
  if (!before) return { alreadyGone: true, forced: false };
  // Volumes already showing 6 failed an earlier deletion: they say nothing about this one.
  const earlierFailures = new Set(deleteFailedVolumes(before).map((v) => v.volUuid));
  const attempt = async (force: boolean): Promise<RemoveStrategyResult> => {
    let drStatus: number | undefined;
    try {
      drStatus = await postStrategyDeletion(client, vmUuid, force);
    } catch (err) {
      if (isDrplaneError(err, "DRP_NOT_FOUND")) return { alreadyGone: true, forced: force };
      throw err;
    }
    const d = describeCode(DR_STATUS, drStatus);
    spec.onProgress?.(
      `VM ${vmUuid}: ${force ? "forced " : ""}deletion started; DR status before deletion: ${d.meaning}${drStatus !== undefined ? ` (${drStatus})` : ""}`,
    );
    await poll<StrategyRecord | undefined>({
      what: `${force ? "forced " : ""}deletion of the DR strategy of VM ${vmUuid}`,
      describe: () => readStrategy(client, vmUuid, { fresh: true }),
      classify: (rec) => classifyDeletion(rec, force, earlierFailures),
      timeoutMs: spec.timeoutMs,
      clock: client.clock,
      onProgress: spec.onProgress,
      meta: { vendor: "vrg", operation: force ? "forceDeleteVmStrategy" : "deleteVmStrategy" },
    });
    return {
      alreadyGone: false,
      drStatus,
      ...(drStatus !== undefined ? { drStatusName: d.name } : {}),
      forced: force,
    };
  };
  if (spec.mode === "force") return attempt(true);
  if (spec.mode === "forceOnFailure" && earlierFailures.size > 0) {
    spec.onProgress?.(
      `VM ${vmUuid}: an earlier deletion failed (volStatus 6); deleting with force (delFlag 2)`,
    );
    return attempt(true);
  }
  try {
    return await attempt(false);
  } catch (err) {
    if (spec.mode === "forceOnFailure" && isDrplaneError(err, "DRP_JOB_FAILED")) {
      spec.onProgress?.(
        `VM ${vmUuid}: normal deletion failed (${err.summary}); deleting with force (delFlag 2)`,
      );
      return attempt(true);
    }
    throw err;
  }
}

function deleteFailedVolumes(record: StrategyRecord): VolumeState[] {
  return volumeStates(record).filter((v) => v.status === 6);
}

/**
 * Done when the VM is no longer listed. A volume newly in 6 (delete failed) fails a normal
 * deletion; a forced one is expected to get past 6, so there it only counts as pending.
 */
export function classifyDeletion(
  record: StrategyRecord | undefined,
  force: boolean,
  earlierFailures: ReadonlySet<string> = new Set(),
): PollVerdict {
  if (!record) return { status: "success" };
  const failed = deleteFailedVolumes(record);
  const fresh = failed.filter((v) => !earlierFailures.has(v.volUuid));
  if (!force && fresh.length) {
    return {
      status: "failure",
      state: "deleteFailed",
      message: formatVolumes(fresh),
      meta: { remedy: 'set deleteMode: "forceOnFailure" (or "force") on the resource, then destroy again' },
    };
  }
  if (failed.length) return { status: "pending", state: "deleteFailed", message: formatVolumes(failed) };
  return { status: "pending", state: "listed", message: "the VM is still listed" };
}

/** Throws NotFoundError when the VM has no strategy on this VRG (for data functions). */
export async function requireStrategy(client: VrgClient, vmUuid: string): Promise<StrategyRecord> {
  const r = await readStrategy(client, vmUuid, { fresh: true });
  if (!r) {
    throw new NotFoundError(`VM ${vmUuid} has no DR strategy on VRG ${client.origin}`, {
      meta: { vendor: "vrg", operation: "queryVmStrategy" },
    });
  }
  return r;
}
