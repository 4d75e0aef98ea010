/**
 * NSE file shares and their snapshots (reference Part A5), the flows the NseFileShare and
 * NseFileShareSnapshot handlers call. Create: adopt a share of the same name on the same file
 * server (or resume our create job still running), else POST 202 → the share's id
 * (`object_id`) at once → wait for the job → GET; the POST runs under core/retry `createOnce`
 * with the same lookup, so a lost reply never creates a second share. Update: PUT the whole
 * mutable object (arrays replace whole) → wait → GET. Delete: DELETE 202 → wait → confirm 404.
 * Snapshots: `POST|DELETE /v2.1/fileshares/{id}/snapshot/{name}`, each a job.
 */
import {
  ConflictError,
  isDrplaneError,
  NotFoundError,
  VendorError,
  type DrplaneError,
} from "../../core/errors";
import { poll } from "../../core/poll";
import { createOnce } from "../../core/retry";
import type { NseClient } from "./client";
import {
  createToWire,
  fileShareFromWire,
  mutableToWire,
  type FileShareRecord,
  type FileShareSpec,
} from "./fileshare-wire";
import { acceptedJob, findRunningNseJob, waitForNseJob, type NseJob } from "./jobs";

export * from "./fileshare-wire";

export const FILESHARES_PATH = "/v2.1/fileshares";
export const FILESHARE_OBJECT_TYPE = "ontap_fileshares";
const PAGE = 100;

type Progress = ((message: string) => void) | undefined;

function sharePath(id: string): string {
  return `${FILESHARES_PATH}/${encodeURIComponent(id)}`;
}

/** `GET /v2.1/fileshares/{id}`: the share, or undefined on 404. */
export async function readFileShare(client: NseClient, id: string): Promise<FileShareRecord | undefined> {
  const res = await client.request<unknown>({
    method: "GET",
    path: sharePath(id),
    operation: "getFileShare",
    idempotent: true,
    accept: [404],
  });
  if (res.status === 404) return undefined;
  return fileShareFromWire(res.records[0]);
}

/** Every file share NSE lists (paged by offset/limit until total_records). */
export async function listFileShares(client: NseClient): Promise<FileShareRecord[]> {
  const all: FileShareRecord[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const res = await client.request<unknown>({
      method: "GET",
      path: FILESHARES_PATH,
      query: { offset, limit: PAGE },
      operation: "listFileShares",
      idempotent: true,
    });
    for (const raw of res.records) {
      const rec = fileShareFromWire(raw);
      if (rec) all.push(rec);
    }
    const total = res.total ?? 0;
    if (res.records.length < PAGE || offset + PAGE >= total) return all;
  }
}

/**
 * The share named `name` on file server `fileserverId` (names are matched exactly; the list is
 * filtered here, since NSE's filter parameters are undocumented). Two matches are a conflict.
 */
export async function findFileShareByName(
  client: NseClient,
  name: string,
  fileserverId: string,
): Promise<FileShareRecord | undefined> {
  const found = (await listFileShares(client)).filter(
    (s) => s.name === name && s.fileserverId === fileserverId,
  );
  if (found.length > 1) {
    throw new ConflictError(
      `NSE lists ${found.length} file shares named ${name} on file server ${fileserverId} (${found.map((s) => s.id).join(", ")})`,
      {
        meta: {
          vendor: "nse",
          operation: "findFileShare",
          remedy: "remove the duplicates in NSE, or import one by id",
        },
      },
    );
  }
  return found[0];
}

/** The same error with the file share's id (and what NSE shows of it) said in message and meta. */
function withShare(err: unknown, id: string, note?: string): unknown {
  if (!isDrplaneError(err)) return err;
  const Ctor = err.constructor as new (message: string, options: object) => DrplaneError;
  return new Ctor(`${err.summary}${note ? `; ${note}` : ""}`, {
    cause: err.cause ?? err,
    meta: { ...err.meta, vendorDetail: { ...err.meta.vendorDetail, fileShareId: id } },
  });
}

/** Time left of a deadline, never below 1 s (a last check still happens). */
function left(deadline: number, client: NseClient): number {
  return Math.max(1_000, deadline - client.clock.now());
}

/** A job's 202 answer or, for an NSE that answers at once, the object itself. */
interface Accepted {
  job?: NseJob;
  record?: FileShareRecord;
}

export interface EnsureFileShareOptions {
  client: NseClient;
  spec: FileShareSpec;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  /** Adopt a share of the same name on the same file server (default true); false: a conflict. */
  adopt?: boolean;
  /** Called as soon as NSE has accepted the create: the share's id and the job's (before the wait). */
  onAccepted?: (ids: { id: string; jobId: string }) => void;
}

/**
 * Creates the file share, or adopts the one of the same name on the file server. Errors after
 * the share's id is known carry it (`meta.vendorDetail.fileShareId`, and the job id).
 */
export async function ensureFileShare(
  opts: EnsureFileShareOptions,
): Promise<{ record: FileShareRecord; adopted: boolean; jobId?: string }> {
  const { client, spec } = opts;
  const clock = client.clock;
  const deadline = clock.now() + opts.timeoutMs;
  const what = `NSE create file share ${spec.name}`;
  const existing = await findFileShareByName(client, spec.name, spec.fileserverId);
  if (existing && opts.adopt === false) {
    throw new ConflictError(
      `a file share named ${spec.name} already exists on file server ${spec.fileserverId} (${existing.id})`,
      {
        meta: {
          vendor: "nse",
          operation: "createFileShare",
          remedy: "choose another name, remove that share, or set adopt to true to manage it",
        },
      },
    );
  }
  if (existing) return { record: await settle(client, existing, deadline, opts.onProgress), adopted: true };
  // A create of ours still running (a lost reply, an earlier run that timed out): resume it.
  const running = await findRunningNseJob(client, {
    objectName: spec.name,
    objectType: FILESHARE_OBJECT_TYPE,
    action: "create",
  });
  let accepted: Accepted;
  if (running) {
    opts.onProgress?.(`resuming create job ${running.id} already running on NSE`);
    accepted = { job: running };
  } else {
    accepted = await createOnce<Accepted>({
      clock,
      deadline,
      create: () => postFileShare(client, spec),
      lookup: async () => {
        const found = await findFileShareByName(client, spec.name, spec.fileserverId);
        if (found) return { record: found };
        const job = await findRunningNseJob(client, {
          objectName: spec.name,
          objectType: FILESHARE_OBJECT_TYPE,
          action: "create",
        });
        return job ? { job } : undefined;
      },
    });
  }
  if (accepted.record) return { record: accepted.record, adopted: false };
  const job = accepted.job!;
  const id = job.objectId;
  if (id) opts.onAccepted?.({ id, jobId: job.id });
  try {
    await waitForNseJob(client, job, {
      what,
      timeoutMs: left(deadline, client),
      onProgress: opts.onProgress,
    });
  } catch (err) {
    if (!id) throw err;
    // A half-created share is reported, not orphaned (the handler records it by id).
    const now = await readFileShare(client, id).catch(() => undefined);
    throw withShare(
      err,
      id,
      now ? `NSE shows file share ${id} (state ${now.state ?? "unknown"})` : undefined,
    );
  }
  const record =
    (id ? await readFileShare(client, id) : undefined) ??
    (await findFileShareByName(client, spec.name, spec.fileserverId));
  if (!record) {
    throw new VendorError(`${what}: job ${job.id} succeeded, but NSE does not show the file share`, {
      meta: {
        vendor: "nse",
        operation: "createFileShare",
        jobId: job.id,
        ...(id ? { vendorDetail: { fileShareId: id } } : {}),
      },
    });
  }
  return { record, adopted: false, jobId: job.id };
}

async function postFileShare(client: NseClient, spec: FileShareSpec): Promise<Accepted> {
  const res = await client.request<unknown>({
    method: "POST",
    path: FILESHARES_PATH,
    body: createToWire(spec),
    operation: "createFileShare",
    idempotent: false,
    target: spec.name,
  });
  if (res.status !== 202) {
    const record = fileShareFromWire(res.records[0]);
    if (record && record.sharePath) return { record };
  }
  return { job: acceptedJob(res.records, "createFileShare") };
}

/** An adopted share whose own job is still running (create, update) is waited for, then read again. */
async function settle(
  client: NseClient,
  rec: FileShareRecord,
  deadline: number,
  onProgress: Progress,
): Promise<FileShareRecord> {
  const job = await findRunningNseJob(client, { objectId: rec.id });
  if (!job) return rec;
  onProgress?.(`file share ${rec.id} has job ${job.id} (${job.action ?? "?"}) running; waiting for it`);
  await waitForNseJob(client, job, {
    what: `NSE ${job.action ?? "job"} of file share ${rec.name}`,
    timeoutMs: left(deadline, client),
    onProgress,
  }).catch((err: unknown) => {
    throw withShare(err, rec.id);
  });
  return (await readFileShare(client, rec.id)) ?? rec;
}

/** A job a write answered with, or undefined for a synchronous answer. */
function jobOf(res: { status: number; records: unknown[] }, operation: string): NseJob | undefined {
  return res.status === 202 ? acceptedJob(res.records, operation) : undefined;
}

/** PUT the whole mutable object (arrays replace whole) → wait → GET. */
export async function updateFileShare(opts: {
  client: NseClient;
  id: string;
  spec: FileShareSpec;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<FileShareRecord> {
  const { client, id } = opts;
  const deadline = client.clock.now() + opts.timeoutMs;
  const res = await client.request<unknown>({
    method: "PUT",
    path: sharePath(id),
    body: mutableToWire(opts.spec),
    operation: "updateFileShare",
    idempotent: false,
    target: id,
  });
  const job = jobOf(res, "updateFileShare");
  if (job) {
    await waitForNseJob(client, job, {
      what: `NSE update file share ${opts.spec.name}`,
      timeoutMs: left(deadline, client),
      onProgress: opts.onProgress,
    }).catch((err: unknown) => {
      throw withShare(err, id);
    });
  }
  const rec = await readFileShare(client, id);
  if (!rec) {
    throw new NotFoundError(`NSE file share ${id} is gone after its update`, {
      meta: { vendor: "nse", operation: "updateFileShare", httpStatus: 404 },
    });
  }
  return rec;
}

/** DELETE 202 → wait for the job → confirm NSE answers 404 for the share. */
export async function removeFileShare(opts: {
  client: NseClient;
  id: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<{ alreadyGone: boolean }> {
  const { client, id } = opts;
  const deadline = client.clock.now() + opts.timeoutMs;
  const res = await client.request<unknown>({
    method: "DELETE",
    path: sharePath(id),
    operation: "deleteFileShare",
    idempotent: false,
    accept: [404],
    target: id,
  });
  if (res.status === 404) return { alreadyGone: true };
  const job = jobOf(res, "deleteFileShare");
  const what = `NSE delete file share ${id}`;
  if (job)
    await waitForNseJob(client, job, {
      what,
      timeoutMs: left(deadline, client),
      onProgress: opts.onProgress,
    });
  await poll<FileShareRecord | undefined>({
    what: `${what}: waiting for NSE to answer 404`,
    label: `file share ${id}`,
    describe: () => readFileShare(client, id),
    classify: (rec) =>
      rec ? { status: "pending", state: rec.state ?? "still listed" } : { status: "success", state: "gone" },
    timeoutMs: left(deadline, client),
    clock: client.clock,
    onProgress: opts.onProgress,
    meta: { vendor: "nse", operation: "deleteFileShare", ...(job ? { jobId: job.id } : {}) },
  });
  return { alreadyGone: false };
}

function snapshotPath(fileShareId: string, name: string): string {
  return `${sharePath(fileShareId)}/snapshot/${encodeURIComponent(name)}`;
}

/** `POST /v2.1/fileshares/{id}/snapshot/{name}` → wait; `created: false` when the share already has it. */
export async function ensureSnapshot(opts: {
  client: NseClient;
  fileShareId: string;
  name: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<{ created: boolean }> {
  const { client, fileShareId, name } = opts;
  const deadline = client.clock.now() + opts.timeoutMs;
  const has = async (): Promise<boolean> => {
    const share = await readFileShare(client, fileShareId);
    if (!share) {
      throw new NotFoundError(`NSE file share ${fileShareId} does not exist (snapshot ${name})`, {
        meta: { vendor: "nse", operation: "createSnapshot", httpStatus: 404 },
      });
    }
    return share.snapshots.some((s) => s.name === name);
  };
  if (await has()) return { created: false };
  const job = await createOnce<NseJob | "exists">({
    clock: client.clock,
    deadline,
    create: async () => {
      const res = await client.request<unknown>({
        method: "POST",
        path: snapshotPath(fileShareId, name),
        operation: "createSnapshot",
        idempotent: false,
        target: `${fileShareId}/${name}`,
      });
      return jobOf(res, "createSnapshot") ?? "exists";
    },
    lookup: async () => ((await has()) ? "exists" : undefined),
  });
  if (job !== "exists") {
    await waitForNseJob(client, job, {
      what: `NSE snapshot ${name} of file share ${fileShareId}`,
      timeoutMs: left(deadline, client),
      onProgress: opts.onProgress,
    });
  }
  return { created: true };
}

/** `DELETE /v2.1/fileshares/{id}/snapshot/{name}` → wait; `alreadyGone` when share or snapshot is gone. */
export async function removeSnapshot(opts: {
  client: NseClient;
  fileShareId: string;
  name: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<{ alreadyGone: boolean }> {
  const { client, fileShareId, name } = opts;
  const deadline = client.clock.now() + opts.timeoutMs;
  const share = await readFileShare(client, fileShareId);
  if (!share || !share.snapshots.some((s) => s.name === name)) return { alreadyGone: true };
  const res = await client.request<unknown>({
    method: "DELETE",
    path: snapshotPath(fileShareId, name),
    operation: "deleteSnapshot",
    idempotent: false,
    accept: [404],
    target: `${fileShareId}/${name}`,
  });
  if (res.status === 404) return { alreadyGone: true };
  const job = jobOf(res, "deleteSnapshot");
  if (job) {
    await waitForNseJob(client, job, {
      what: `NSE delete snapshot ${name} of file share ${fileShareId}`,
      timeoutMs: left(deadline, client),
      onProgress: opts.onProgress,
    });
  }
  return { alreadyGone: false };
}
