/**
 * Handler for `VmDrStrategy`: the DR configuration of one VM on one VRG, in the production
 * role (§3.8.1: volumes, encryption, compression) or the DR role (§3.8.2: writeagent,
 * target volumes). Check validates everything the VRG would refuse (slot range and
 * duplicates, duplicate volume UUIDs, volType, IP and port shapes) before any request.
 * The VRG's only write is "set" (an upsert per VM) and "delete"; docs/vendors/vrg.md
 * explains, per field, why a change updates in place (set again) or replaces (delete, then
 * set). Reads go through the coalescing reader, so a refresh of many strategies on one
 * VRG costs a handful of requests.
 */
import { z } from "zod";
import { stripInternal } from "../core/schema";
import { isDrplaneError } from "../core/errors";
import {
  ensureStrategy,
  removeStrategy,
  volumeErrors,
  volumeStates,
  type DeleteMode,
} from "../vendors/vrg/strategy";
import { readStrategy } from "../vendors/vrg/strategy-reader";
import type { StrategyRecord, StrategySpec, VolumeRecord } from "../vendors/vrg/wire";
import { timeoutsSchema } from "../inputs/common";
import {
  hostIpSchema,
  hostOf,
  portSchema,
  vmUuidSchema,
  vrgClient,
  vrgConnectionSchema,
} from "../inputs/vrg";
import { defineHandler, inputsChanged, omitKeys, partialCreate, same, type Props } from "./kit";
import { assertSameVrg } from "./vrg-identity";

export const KIND = "VmDrStrategy";
const DEFAULT_TIMEOUT_MS = 20 * 60_000;
export const VOL_TYPES = ["LOCALPOME", "LUNPOME", "NAS", "DSWARE"] as const;

function schema() {
  const volUuid = z
    .string()
    .min(1)
    .max(128)
    .regex(/^[^\s/?&#]+$/, "a volume UUID (no spaces, '/', '?', '&' or '#')");
  const slot = z
    .number({ error: "a slot number 1-40" })
    .int("a whole number 1-40")
    .min(1, "slot (seqNum) must be 1-40")
    .max(40, "slot (seqNum) must be 1-40");
  const productionVolume = z.object({ volUuid, slot: slot.optional() }).strict();
  const drVolume = z
    .object({
      volUuid,
      volumeUrl: z.string().min(1, "the DR volume's URL is required").max(2048),
      dsUrn: z.string().min(1).max(512).optional(),
      volType: z.enum(VOL_TYPES, { error: `one of ${VOL_TYPES.join(", ")}` }).optional(),
      slot: slot.optional(),
      drExtParams: z
        .object({ dsMgntIp: hostIpSchema.optional(), dsResourceId: z.string().min(1).max(128).optional() })
        .strict()
        .optional(),
    })
    .strict();
  const common = {
    connection: vrgConnectionSchema,
    vmUuid: vmUuidSchema,
    vmId: z.string().min(1).max(64).optional(),
    vmName: z.string().min(1).max(256).optional(),
    platform: z.enum(["xen", "kvm"]).default("xen"),
    adopt: z.boolean().default(false),
    deleteMode: z.enum(["normal", "force", "forceOnFailure"]).default("normal"),
    timeouts: timeoutsSchema.optional(),
  };
  const production = z
    .object({
      ...common,
      role: z.literal("production"),
      encryption: z.enum(["none", "aes128"]).default("none"),
      compression: z.boolean().default(false),
      volumes: z
        .array(productionVolume)
        .min(1, "at least one volume")
        .max(40, "at most 40 volumes (slots 1-40)"),
    })
    .strict();
  const dr = z
    .object({
      ...common,
      role: z.literal("dr"),
      hostUrn: z.string().min(1).max(512).optional(),
      agentIp: hostIpSchema,
      agentPort: portSchema,
      volumes: z.array(drVolume).min(1, "at least one volume").max(40, "at most 40 volumes (slots 1-40)"),
    })
    .strict();
  return z
    .discriminatedUnion("role", [production, dr], { error: 'role must be "production" or "dr"' })
    .superRefine((v, ctx) => {
      const uuids = new Map<string, number>();
      const slots = new Map<number, number>();
      v.volumes.forEach((vol, i) => {
        // UUIDs compare case-insensitively (the VRG refuses "A" beside "a" too, 10440306).
        const firstUuid = uuids.get(vol.volUuid.toLowerCase());
        if (firstUuid !== undefined) {
          ctx.addIssue({
            code: "custom",
            path: ["volumes", i, "volUuid"],
            message: `duplicate volume UUID (also volumes[${firstUuid}]); the VRG refuses it (10440306)`,
          });
        } else uuids.set(vol.volUuid.toLowerCase(), i);
        if (vol.slot !== undefined) {
          const firstSlot = slots.get(vol.slot);
          if (firstSlot !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: ["volumes", i, "slot"],
              message: `duplicate slot ${vol.slot} (also volumes[${firstSlot}]); the VRG refuses it (10440309)`,
            });
          } else slots.set(vol.slot, i);
        } else if (v.platform === "xen") {
          ctx.addIssue({
            code: "custom",
            path: ["volumes", i, "slot"],
            message: 'required on Xen (seqNum 1-40, seed §3.8.1); set platform: "kvm" for a KVM host',
          });
        }
      });
    });
}

/** Output-only keys. */
const COMPUTED = ["vrgUuid", "volumeStatuses", "healthy", "adopted"];

/** The declared strategy, as the vendor module takes it. */
export function strategyOf(inputs: Props): StrategySpec {
  const common = { vmUuid: inputs.vmUuid, vmId: inputs.vmId, vmName: inputs.vmName };
  if (inputs.role === "production") {
    return {
      ...common,
      role: "production",
      encryption: inputs.encryption ?? "none",
      compression: inputs.compression ?? false,
      volumes: (inputs.volumes ?? []).map((v: Props) => ({ volUuid: v.volUuid, slot: v.slot })),
    };
  }
  return {
    ...common,
    role: "dr",
    hostUrn: inputs.hostUrn,
    agentIp: inputs.agentIp,
    agentPort: inputs.agentPort,
    volumes: (inputs.volumes ?? []).map((v: Props) => ({
      volUuid: v.volUuid,
      volumeUrl: v.volumeUrl,
      dsUrn: v.dsUrn,
      volType: v.volType,
      slot: v.slot,
      drExtParams: v.drExtParams,
    })),
  };
}

function idOf(vrgUuid: string | undefined | null, inputs: Props): string {
  return `${vrgUuid ?? hostOf(inputs.connection.endpoint)}/${inputs.vmUuid}`;
}

function outputs(
  inputs: Props,
  record: StrategyRecord | undefined,
  vrgUuid: unknown,
  adopted: boolean,
): Props {
  return {
    ...inputs,
    vrgUuid: vrgUuid ?? null,
    volumeStatuses: record ? volumeStates(record) : [],
    healthy: record ? volumeErrors(record).length === 0 : false,
    adopted,
  };
}

/** Per-volume fields whose change replaces the strategy (see docs/vendors/vrg.md). */
const DR_PLACEMENT = ["volumeUrl", "dsUrn", "volType", "drExtParams"];

/** A property bag with its volumes in volUuid order (the order is no change). */
function volumesSorted(p: Props): Props {
  if (!Array.isArray(p.volumes)) return p;
  const volumes = [...(p.volumes as Props[])].sort((a, b) =>
    String(a.volUuid).localeCompare(String(b.volUuid)),
  );
  return { ...p, volumes };
}

function liveVolume(role: string, recorded: Props | undefined, live: VolumeRecord): Props {
  const base: Props = { ...(recorded ?? {}), volUuid: live.volUuid };
  if (live.slot !== undefined) base.slot = live.slot;
  if (role === "dr") {
    if (live.volumeUrl !== undefined) base.volumeUrl = live.volumeUrl;
    if (live.dsUrn !== undefined) base.dsUrn = live.dsUrn;
    if (live.volType !== undefined) base.volType = live.volType;
    if (live.drExtParams !== undefined) base.drExtParams = live.drExtParams;
  }
  return base;
}

/** The recorded inputs with every value the VRG reports replaced by the live one. */
function liveInputs(recorded: Props, live: StrategyRecord): Props {
  const out: Props = { ...recorded };
  const role = live.role ?? recorded.role;
  out.role = role;
  if (role === "production") {
    if (live.encryption !== undefined) out.encryption = live.encryption;
    if (live.compression !== undefined) out.compression = live.compression;
  } else {
    if (live.agentIp !== undefined) out.agentIp = live.agentIp;
    if (live.agentPort !== undefined) out.agentPort = live.agentPort;
    if (live.hostUrn !== undefined) out.hostUrn = live.hostUrn;
  }
  const byUuid = new Map(live.volumes.map((v) => [v.volUuid, v]));
  const recordedVols = (recorded.volumes as Props[] | undefined) ?? [];
  const kept = recordedVols
    .filter((v) => byUuid.has(v.volUuid))
    .map((v) => liveVolume(role, v, byUuid.get(v.volUuid)!));
  const known = new Set(recordedVols.map((v) => v.volUuid));
  const extra = live.volumes.filter((v) => !known.has(v.volUuid)).map((v) => liveVolume(role, undefined, v));
  out.volumes = [...kept, ...extra];
  return out;
}

export const vmDrStrategyHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces: string[] = [];
    // UUIDs compare case-insensitively (the VRG does): a change of case is no new VM.
    const uuid = (p: Props) => (typeof p.vmUuid === "string" ? p.vmUuid.toLowerCase() : p.vmUuid);
    if (uuid(olds) !== uuid(news)) replaces.push("vmUuid");
    if (olds.role !== news.role) replaces.push("role");
    else {
      const list = (p: Props): Props[] => (Array.isArray(p.volumes) ? (p.volumes as Props[]) : []);
      const oldVols = new Map(list(olds).map((v) => [v.volUuid, v]));
      const moved = list(news).some((v) => {
        const o = oldVols.get(v.volUuid);
        if (!o) return false;
        if ((o.slot ?? null) !== (v.slot ?? null)) return true;
        return news.role === "dr" && DR_PLACEMENT.some((k) => !same(o[k] ?? null, v[k] ?? null));
      });
      if (moved) replaces.push("volumes");
    }
    const changes =
      replaces.length > 0 ||
      olds.healthy === false ||
      inputsChanged(volumesSorted(olds), volumesSorted(news), COMPUTED);
    // A VM has one strategy per VRG: the old one goes before the new one is set.
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs, ctx) {
    const client = vrgClient(inputs.connection);
    try {
      const r = await ensureStrategy({
        client,
        strategy: strategyOf(inputs),
        adopt: inputs.adopt ?? false,
        timeoutMs: ctx.timeoutMs,
        onProgress: ctx.say,
      });
      const vrgUuid = await client.vrgUuid();
      return { id: idOf(vrgUuid, inputs), outs: outputs(inputs, r.record, vrgUuid, r.adopted) };
    } catch (err) {
      // The strategy was set but a volume failed or the wait ran out: the VRG holds it now,
      // so the resource is recorded (the next up sets it again, destroy deletes it).
      if (!isDrplaneError(err, "DRP_JOB_FAILED") && !isDrplaneError(err, "DRP_TIMEOUT")) throw err;
      const vrgUuid = await client.vrgUuid().catch(() => undefined);
      const live = await readStrategy(client, inputs.vmUuid, { fresh: true }).catch(() => undefined);
      const outs = { ...outputs(inputs, live, vrgUuid, false), healthy: false };
      throw partialCreate(inputs, idOf(vrgUuid, inputs), outs, err);
    }
  },

  async read(_id, props) {
    const live = await readStrategy(vrgClient(props.connection), props.vmUuid);
    if (!live) return undefined;
    return {
      ...props,
      ...liveInputs(omitKeys(stripInternal(props), COMPUTED), live),
      volumeStatuses: volumeStates(live),
      healthy: volumeErrors(live).length === 0,
    };
  },

  async update(_id, olds, news, ctx) {
    const client = vrgClient(news.connection);
    await assertSameVrg(client, olds, news, `${KIND} ${news.__drplaneName ?? news.vmUuid}`);
    const r = await ensureStrategy({
      client,
      strategy: strategyOf(news),
      adopt: true,
      // vmId and vmName are not reported back (§3.8.3): a change of them must be set. A
      // volume in error is set again too (that is what clears a failed deletion, 6).
      reset: olds.vmId !== news.vmId || olds.vmName !== news.vmName || olds.healthy === false,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    const vrgUuid = (await client.vrgUuid()) ?? olds.vrgUuid;
    return outputs(news, r.record, vrgUuid, olds.adopted ?? false);
  },

  async delete(_id, props, ctx) {
    const r = await removeStrategy({
      client: vrgClient(props.connection),
      vmUuid: props.vmUuid,
      mode: (props.deleteMode ?? "normal") as DeleteMode,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (r.alreadyGone) ctx.say(`VM ${props.vmUuid}: no DR strategy on the VRG any more; nothing to delete`);
    else ctx.say(`VM ${props.vmUuid}: DR strategy deleted${r.forced ? " with force" : ""}`);
  },
});
