/**
 * Handler for `NseFileShare` (NetApp Service Engine 2.1, `/v2.1/fileshares`): a file share on
 * a file server, created by a job (POST 202 → the share's id at once → wait → GET), adopted by
 * name within its file server so nothing is created twice. The share path, file server,
 * security style and subtenant replace (delete first: a share path is unique per file server;
 * NSE's PUT does not take them); everything else updates in place with one PUT of the whole
 * mutable object (arrays and tags replace whole). Refresh reads the live values of the declared
 * inputs and drops a share that is gone; a create whose job failed or timed out after the
 * share began to exist is recorded (`partialCreate`), so the next `up` converges it.
 */
import { z } from "zod";
import { isDrplaneError, NotFoundError } from "../core/errors";
import { timeoutsSchema } from "../inputs/common";
import {
  nseClient,
  nseConnectionSchema,
  nseExportRuleSchema,
  nseIdSchema,
  nseServiceLevelSchema,
  nseShareNameSchema,
  nseSharePathSchema,
  nseSnapshotPolicySchema,
  nseTagsSchema,
} from "../inputs/nse";
import {
  ensureFileShare,
  readFileShare,
  removeFileShare,
  updateFileShare,
  type FileShareRecord,
  type FileShareSpec,
} from "../vendors/nse/fileshares";
import { classifyNseJob, getNseJob, waitForNseJob } from "../vendors/nse/jobs";
import type { NseClient } from "../vendors/nse/client";
import { defineHandler, inputsChanged, partialCreate, same, type OpContext, type Props } from "./kit";

export const KIND = "NseFileShare";

function schema() {
  return z
    .object({
      connection: nseConnectionSchema,
      name: nseShareNameSchema,
      sharePath: nseSharePathSchema,
      fileserverId: nseIdSchema,
      subtenantId: nseIdSchema.optional(),
      sizeGb: z.number().int("a whole number of GB").min(1, "at least 1 GB"),
      serviceLevel: nseServiceLevelSchema,
      protocol: z.enum(["nfs", "cifs", "multiprotocol"]),
      securityStyle: z.enum(["unix", "ntfs"]).optional(),
      snapshotPolicy: nseSnapshotPolicySchema.optional(),
      exportPolicy: z.array(nseExportRuleSchema).optional(),
      drEnabled: z.boolean().optional(),
      tags: nseTagsSchema.optional(),
      adopt: z.boolean().optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

const COMPUTED = [
  "state",
  "tenantId",
  "fileserverName",
  "nfsEndpoint",
  "cifsEndpoint",
  "zone",
  "drAvailable",
  "snapshots",
  "adopted",
  "createJobId",
];
/** Fields that make it another share (not in NSE's PUT body; a share path is unique per file server). */
const REPLACES = ["sharePath", "fileserverId", "securityStyle", "subtenantId"];
/** The fields PUT sends (the whole mutable object). */
const MUTABLE = [
  "name",
  "sizeGb",
  "serviceLevel",
  "protocol",
  "snapshotPolicy",
  "exportPolicy",
  "drEnabled",
  "tags",
];

function specOf(inputs: Props): FileShareSpec {
  return {
    name: inputs.name,
    sharePath: inputs.sharePath,
    fileserverId: inputs.fileserverId,
    subtenantId: inputs.subtenantId,
    sizeGb: inputs.sizeGb,
    serviceLevel: inputs.serviceLevel,
    protocol: inputs.protocol,
    securityStyle: inputs.securityStyle,
    snapshotPolicy: inputs.snapshotPolicy,
    exportPolicy: inputs.exportPolicy,
    drEnabled: inputs.drEnabled,
    tags: inputs.tags,
  };
}

/** Outputs: the inputs plus what NSE says (`rec` undefined: a share NSE does not list yet). */
function outputsOf(
  inputs: Props,
  rec: Partial<FileShareRecord> | undefined,
  adopted: boolean,
  createJobId: string | null,
): Props {
  rec ??= {};
  return {
    ...inputs,
    state: rec.state ?? null,
    tenantId: rec.tenantId ?? null,
    fileserverName: rec.fileserverName ?? null,
    nfsEndpoint: rec.nfsEndpoint ?? null,
    cifsEndpoint: rec.cifsEndpoint ?? null,
    zone: rec.zone ?? null,
    drAvailable: rec.drAvailable ?? null,
    snapshots: rec.snapshots ?? [],
    adopted,
    createJobId,
  };
}

/** What NSE treats as the same value: service levels without case, a missing superuser as false. */
function normalized(p: Props): Props {
  const out: Props = { ...p };
  if (typeof p.serviceLevel === "string") out.serviceLevel = p.serviceLevel.toLowerCase();
  if (Array.isArray(p.exportPolicy))
    out.exportPolicy = p.exportPolicy.map((r: Props) =>
      r && typeof r === "object" ? { ...r, superuser: r.superuser ?? false } : r,
    );
  return out;
}

/** Whether `live` holds every field of `declared` with the same value (what NSE adds is no drift). */
function covers(declared: unknown, live: unknown): boolean {
  if (declared && typeof declared === "object" && !Array.isArray(declared)) {
    if (!live || typeof live !== "object" || Array.isArray(live)) return false;
    return Object.entries(declared as Props).every(
      ([k, v]) => v === undefined || covers(v, (live as Props)[k]),
    );
  }
  return same(declared, live);
}

/** A snapshot policy as declared, unless the live one differs (a schedule added or removed is drift). */
function sameSnapshotPolicy(declared: Props, live: Props | undefined): boolean {
  if (!live) return false;
  const periods = (p: Props) => ["hourly", "daily", "weekly", "monthly"].filter((k) => p[k] != null).join();
  return periods(declared) === periods(live) && covers(declared, live);
}

/** The declared inputs with their live values; a declared value NSE leaves out is kept (no drift). */
function liveInputs(props: Props, rec: FileShareRecord): Props {
  const out: Props = {
    name: rec.name,
    sharePath: rec.sharePath,
    fileserverId: rec.fileserverId,
    sizeGb: rec.sizeGb,
    protocol: rec.protocol,
    serviceLevel: same(normalized({ serviceLevel: rec.serviceLevel }), normalized(props))
      ? props.serviceLevel
      : rec.serviceLevel,
  };
  const declared = (k: string) => props[k] !== undefined;
  if (declared("subtenantId")) out.subtenantId = rec.subtenantId ?? props.subtenantId;
  if (declared("securityStyle")) out.securityStyle = rec.securityStyle ?? props.securityStyle;
  if (declared("drEnabled")) out.drEnabled = rec.drEnabled ?? props.drEnabled;
  if (declared("snapshotPolicy"))
    out.snapshotPolicy = sameSnapshotPolicy(props.snapshotPolicy, rec.snapshotPolicy)
      ? props.snapshotPolicy
      : rec.snapshotPolicy;
  if (declared("exportPolicy"))
    out.exportPolicy = same(
      normalized({ exportPolicy: rec.exportPolicy ?? [] }),
      normalized({ exportPolicy: props.exportPolicy }),
    )
      ? props.exportPolicy
      : (rec.exportPolicy ?? []);
  if (declared("tags")) out.tags = same(rec.tags ?? {}, props.tags) ? props.tags : (rec.tags ?? {});
  return out;
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;

export const nseFileShareHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces = REPLACES.filter((k) => !same(olds[k], news[k]));
    const changes =
      replaces.length > 0 || inputsChanged(normalized(olds), normalized(news), COMPUTED, REPLACES);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs, ctx) {
    const client = nseClient(inputs.connection);
    let accepted: { id: string; jobId: string } | undefined;
    try {
      const r = await ensureFileShare({
        client,
        spec: specOf(inputs),
        timeoutMs: ctx.timeoutMs,
        onProgress: ctx.say,
        adopt: inputs.adopt ?? true,
        onAccepted: (ids) => (accepted = ids),
      });
      if (r.adopted)
        ctx.say(`adopted file share ${r.record.name} (${r.record.id}) on file server ${inputs.fileserverId}`);
      return { id: r.record.id, outs: outputsOf(inputs, r.record, r.adopted, r.jobId ?? null) };
    } catch (err) {
      throw await recordedIfCreated(client, inputs, err, accepted);
    }
  },

  async read(id, props, ctx) {
    const client = nseClient(props.connection);
    const rec = await readFileShare(client, id);
    if (!rec) {
      // A share whose create job is still running is not listed yet: keep it, do not drop it.
      const job = await runningCreate(client, props);
      if (!job) return undefined;
      ctx.say(`file share ${props.name} (${id}) is still being created by job ${job.id} (${job.status})`);
      return props;
    }
    return {
      ...outputsOf(props, rec, props.adopted ?? false, props.createJobId ?? null),
      ...liveInputs(props, rec),
    };
  },

  async update(id, olds, news, ctx) {
    const client = nseClient(news.connection);
    await finishCreate(client, id, olds, ctx);
    const mutable = (p: Props) => normalized(Object.fromEntries(MUTABLE.map((k) => [k, p[k]])));
    let rec: FileShareRecord | undefined;
    if (same(mutable(olds), mutable(news))) {
      // Only how we manage it changed (timeouts, adopt, connection): nothing to send to NSE.
      rec = await readFileShare(client, id);
      if (!rec)
        throw new NotFoundError(
          `file share ${news.name} (${id}) is gone; run \`pulumi refresh\` to drop it`,
          {
            meta: { vendor: "nse", operation: "update file share" },
          },
        );
    } else {
      rec = await updateFileShare({
        client,
        id,
        spec: specOf(news),
        timeoutMs: ctx.timeoutMs,
        onProgress: ctx.say,
      });
    }
    return outputsOf(news, rec, olds.adopted ?? false, olds.createJobId ?? null);
  },

  async delete(id, props, ctx) {
    const r = await removeFileShare({
      client: nseClient(props.connection),
      id,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (r.alreadyGone) ctx.say(`file share ${props.name} (${id}) is already gone; nothing to remove`);
  },
});

/**
 * The error a failed create throws. When NSE accepted the POST (the share's id is known at
 * once) and its job then failed or timed out, a share NSE lists, or one whose job still runs,
 * is recorded (`partialCreate`), so the next `up` converges it and destroy removes it, instead
 * of creating a second share. A share that never came to be is not recorded.
 */
async function recordedIfCreated(
  client: NseClient,
  inputs: Props,
  err: unknown,
  accepted: { id: string; jobId: string } | undefined,
): Promise<unknown> {
  if (!isDrplaneError(err)) return err;
  const id = accepted?.id ?? err.meta.vendorDetail?.fileShareId;
  if (!id) return err;
  const jobId = accepted?.jobId ?? err.meta.jobId;
  const live = await readFileShare(client, id).catch(() => undefined);
  const job = !live && jobId ? await getNseJob(client, jobId).catch(() => undefined) : undefined;
  if (!live && !(job && classifyNseJob(job).status === "pending")) return err;
  return partialCreate(inputs, id, outputsOf(inputs, live, false, jobId ?? null), err);
}

/** The create job of a share NSE does not list yet, when that job is still running. */
async function runningCreate(client: NseClient, props: Props) {
  if (typeof props.createJobId !== "string") return undefined;
  const job = await getNseJob(client, props.createJobId);
  return job && classifyNseJob(job).status === "pending" ? job : undefined;
}

/** Before an update: a share recorded while its create job still ran is waited for first. */
async function finishCreate(client: NseClient, id: string, olds: Props, ctx: OpContext): Promise<void> {
  if (olds.state != null || (await readFileShare(client, id))) return;
  const job = await runningCreate(client, olds);
  if (!job) return;
  ctx.say(`waiting for job ${job.id}, which is still creating file share ${olds.name}`);
  await waitForNseJob(client, job, {
    what: `NSE create file share ${olds.name}`,
    timeoutMs: ctx.timeoutMs,
    onProgress: ctx.say,
  });
}
