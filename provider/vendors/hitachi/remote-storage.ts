/**
 * Remote storage registration (POST/GET/DELETE /v1/objects/remote-storages), seed 000
 * step 6-7 and reference §1.5. Operations are small and typed; `ensureRemoteStorage` and
 * `removeRemoteStorage` are the idempotent flows the Pulumi handler (or any script) uses.
 */
import { ConflictError, isDrplaneError, NotFoundError, TransientError, VendorError } from "../../core/errors";
import { createOnce } from "../../core/retry";
import { HitachiClient, type HitachiSession } from "./client";
import { isTransientHitachiError } from "./errors";
import type { HitachiJob } from "./jobs";

export interface RemoteStorageInfo {
  storageDeviceId: string;
  dkcType: "Local" | "Remote" | string;
  model?: string;
  serialNumber?: number;
  restServerIp?: string;
  restServerPort?: number;
  ctl1Ip?: string;
  ctl2Ip?: string;
  communicationModes?: Array<{ communicationMode: string }>;
}

export interface StorageSystemInfo {
  storageDeviceId: string;
  model?: string;
  serialNumber?: number;
  ctl1Ip?: string;
  ctl2Ip?: string;
  svpIp?: string;
}

/**
 * GET /v1/objects/storages (no authentication). On the embedded API data[0] is the array
 * itself; when several are listed, the one whose ctl/svp IP is the host we talk to wins.
 * @throws NotFoundError when the server lists no storage system.
 */
export async function discoverStorageSystem(client: HitachiClient): Promise<StorageSystemInfo> {
  const res = await client.call<{ data?: StorageSystemInfo[] }>({
    method: "GET",
    path: "/v1/objects/storages",
    operation: "discoverStorage",
    idempotent: true,
  });
  const data = res.body?.data ?? [];
  const host = new URL(client.connection.endpoint).hostname;
  const match = data.find((s) => [s.ctl1Ip, s.ctl2Ip, s.svpIp].includes(host)) ?? data[0];
  if (!match) {
    throw new NotFoundError(`Hitachi ${client.connection.endpoint} lists no storage system`, {
      meta: { vendor: "hitachi", operation: "discoverStorage" },
    });
  }
  return match;
}

/** GET /v1/objects/remote-storages: the local array (dkcType Local) and its registrations. */
export async function listRemoteStorages(
  client: HitachiClient,
  session: HitachiSession,
): Promise<RemoteStorageInfo[]> {
  const res = await client.call<{ data?: RemoteStorageInfo[] }>({
    method: "GET",
    path: "/v1/objects/remote-storages",
    session,
    operation: "listRemoteStorages",
    idempotent: true,
  });
  return res.body?.data ?? [];
}

export async function findRegistration(
  client: HitachiClient,
  session: HitachiSession,
  remoteStorageDeviceId: string,
): Promise<RemoteStorageInfo | undefined> {
  const all = await listRemoteStorages(client, session);
  return all.find((r) => r.storageDeviceId === remoteStorageDeviceId && r.dkcType === "Remote");
}

/**
 * A registration job for `remoteStorageDeviceId` that has not completed yet
 * (GET /v1/objects/jobs, newest first): after a lost reply or a crashed run, the job is
 * resumed instead of posting the registration a second time.
 */
export async function findInFlightRegistration(
  client: HitachiClient,
  session: HitachiSession,
  remoteStorageDeviceId: string,
): Promise<HitachiJob | undefined> {
  const res = await client.call<{ data?: Array<HitachiJob & { request?: JobRequestInfo }> }>({
    method: "GET",
    path: "/v1/objects/jobs",
    query: { count: 100 },
    session,
    operation: "listJobs",
    idempotent: true,
  });
  return (res.body?.data ?? []).find(
    (job) =>
      job.status !== "Completed" &&
      job.request?.requestMethod === "POST" &&
      /\/remote-storages\/?$/.test(job.request.requestUrl ?? "") &&
      (job.request.requestBody ?? "").includes(`"${remoteStorageDeviceId}"`),
  );
}

interface JobRequestInfo {
  requestUrl?: string;
  requestMethod?: string;
  requestBody?: string;
}

export interface RegisterBody {
  storageDeviceId: string;
  restServerIp: string;
  restServerPort: number;
  isMutualDiscovery: boolean;
}

/** POST /v1/objects/remote-storages with both session headers. Not idempotent. Returns the job. */
export async function postRemoteStorage(
  client: HitachiClient,
  session: HitachiSession,
  remoteSession: HitachiSession,
  body: RegisterBody,
  longPollSeconds: number,
): Promise<HitachiJob> {
  const res = await client.call<HitachiJob>({
    method: "POST",
    path: "/v1/objects/remote-storages",
    body,
    session,
    remoteSession,
    operation: "registerRemoteStorage",
    idempotent: false,
    ...longPoll(longPollSeconds),
  });
  return res.body;
}

/** DELETE /v1/objects/remote-storages/{id} with {isMutualDeletion}. Returns the job. */
export async function deleteRemoteStorageRequest(
  client: HitachiClient,
  session: HitachiSession,
  remoteSession: HitachiSession | undefined,
  remoteStorageDeviceId: string,
  isMutualDeletion: boolean,
  longPollSeconds: number,
): Promise<HitachiJob> {
  const res = await client.call<HitachiJob>({
    method: "DELETE",
    path: `/v1/objects/remote-storages/${encodeURIComponent(remoteStorageDeviceId)}`,
    body: { isMutualDeletion },
    session,
    remoteSession,
    operation: "deleteRemoteStorage",
    idempotent: true,
    ...longPoll(longPollSeconds),
  });
  return res.body;
}

/**
 * `Response-Job-Status: Completed` (as the seed sends) asks the server to hold the reply
 * until the job completes, for at most Response-Max-Wait seconds; the poller covers the rest.
 */
function longPoll(seconds: number): { headers: Record<string, string>; timeoutMs?: number } {
  if (seconds <= 0) return { headers: {} };
  return {
    headers: { "response-job-status": "Completed", "response-max-wait": String(seconds) },
    timeoutMs: seconds * 1000 + 30_000,
  };
}

export interface RemoteStorageSpec {
  local: HitachiClient;
  remote: HitachiClient;
  /** Omit to discover it from the remote REST server. */
  remoteStorageDeviceId?: string;
  restServerIp: string;
  restServerPort: number;
  isMutualDiscovery: boolean;
  timeoutMs: number;
  /** Seconds the server may hold a job reply (0 = plain polling). */
  longPollSeconds?: number;
  onProgress?: (message: string) => void;
  /** The caller expects the registration to exist (an update): finding it is not news. */
  expectExisting?: boolean;
}

export interface Identity {
  localApiVersion: string;
  remoteApiVersion: string;
  localStorageDeviceId: string;
  remoteStorageDeviceId: string;
}

export interface RemoteStorageResult extends Identity {
  registration: RemoteStorageInfo;
  /** True when an existing, matching registration was adopted instead of created. */
  adopted: boolean;
  jobId?: string;
}

/** Resolves both storage device ids and checks both API versions. */
export async function resolveIdentity(
  spec: Pick<RemoteStorageSpec, "local" | "remote" | "remoteStorageDeviceId">,
): Promise<Identity> {
  const [localApiVersion, remoteApiVersion, localSystem, remoteId] = await Promise.all([
    spec.local.apiVersion(),
    spec.remote.apiVersion(),
    discoverStorageSystem(spec.local),
    spec.remoteStorageDeviceId ?? discoverStorageSystem(spec.remote).then((s) => s.storageDeviceId),
  ]);
  return {
    localApiVersion,
    remoteApiVersion,
    localStorageDeviceId: localSystem.storageDeviceId,
    remoteStorageDeviceId: remoteId,
  };
}

function assertSameTarget(existing: RemoteStorageInfo, spec: RemoteStorageSpec): void {
  const diffs: string[] = [];
  if (existing.restServerIp !== undefined && existing.restServerIp !== spec.restServerIp)
    diffs.push(`restServerIp is ${existing.restServerIp} (declared ${spec.restServerIp})`);
  if (existing.restServerPort !== undefined && existing.restServerPort !== spec.restServerPort)
    diffs.push(`restServerPort is ${existing.restServerPort} (declared ${spec.restServerPort})`);
  if (diffs.length) {
    throw new ConflictError(
      `remote storage ${existing.storageDeviceId} is already registered differently: ${diffs.join("; ")}`,
      {
        meta: {
          vendor: "hitachi",
          operation: "registerRemoteStorage",
          remedy: "declare the registered values, or delete the registration on the array first",
        },
      },
    );
  }
}

/**
 * Registers the remote storage unless a matching registration exists (then it is adopted).
 * Safe to re-run after a crash: it looks before it posts, resumes a job it already started,
 * and a create that may have reached the array is followed by a lookup, never a blind re-post.
 */
export async function ensureRemoteStorage(
  spec: RemoteStorageSpec,
  resolved?: Identity,
): Promise<RemoteStorageResult> {
  const identity = resolved ?? (await resolveIdentity(spec));
  const remoteId = identity.remoteStorageDeviceId;
  let pending: HitachiJob | undefined;
  /** True while `pending` is a job an earlier run started (its sessions may be gone). */
  let resumed = false;
  return spec.local.withSession((session) =>
    spec.remote.withSession(async (remoteSession) => {
      /** The registration if it exists; else remembers a registration job still running. */
      const lookup = async () => {
        const found = await findRegistration(spec.local, session, remoteId);
        if (found || pending) return found;
        pending = await findInFlightRegistration(spec.local, session, remoteId);
        resumed = pending !== undefined;
        if (pending) spec.onProgress?.(`resuming registration job ${pending.jobId} started earlier`);
        return undefined;
      };
      if (!pending) {
        const existing = await lookup();
        if (existing) {
          assertSameTarget(existing, spec);
          if (!spec.expectExisting)
            spec.onProgress?.(`remote storage ${remoteId} is already registered; adopting it`);
          return { ...identity, registration: existing, adopted: true };
        }
      }
      const body: RegisterBody = {
        storageDeviceId: remoteId,
        restServerIp: spec.restServerIp,
        restServerPort: spec.restServerPort,
        isMutualDiscovery: spec.isMutualDiscovery,
      };
      const created = await createOnce<RemoteStorageInfo | HitachiJob>({
        lookup,
        create: async () => {
          if (!pending) {
            resumed = false;
            pending = await postRemoteStorage(
              spec.local,
              session,
              remoteSession,
              body,
              spec.longPollSeconds ?? 0,
            );
            spec.onProgress?.(`registering remote storage ${remoteId}: job ${pending.jobId}`);
          }
          const job = pending;
          try {
            await spec.local.waitForJob(session, job, {
              what: `register remote storage ${remoteId}`,
              timeoutMs: spec.timeoutMs,
              onState: (state, ms) =>
                spec.onProgress?.(`job ${job.jobId}: ${state} after ${Math.round(ms / 1000)} s`),
            });
          } catch (err) {
            // A job that failed on a busy/lock condition created nothing: post again. So did
            // an earlier run's job that failed (e.g. its remote session was discarded).
            const failed = isDrplaneError(err, "DRP_JOB_FAILED");
            if (failed && (resumed || isTransientHitachiError({ messageId: err.meta.vendorCode }))) {
              spec.onProgress?.(
                `job ${job.jobId} failed (${err.meta.vendorCode ?? "no code"}); posting again`,
              );
              pending = undefined;
              throw new TransientError(err.summary, { cause: err, meta: err.meta });
            }
            throw err;
          }
          return job;
        },
      });
      const jobId = pending ? String(pending.jobId) : undefined;
      const registration = "dkcType" in created ? created : await lookup();
      if (!registration) {
        throw new VendorError(`job ${jobId} succeeded but remote storage ${remoteId} is not listed`, {
          meta: { vendor: "hitachi", operation: "registerRemoteStorage", jobId },
        });
      }
      return { ...identity, registration, adopted: false, ...(jobId ? { jobId } : {}) };
    }),
  );
}

export interface RemoveSpec {
  local: HitachiClient;
  remote: HitachiClient;
  remoteStorageDeviceId: string;
  isMutualDeletion: boolean;
  timeoutMs: number;
  longPollSeconds?: number;
  onProgress?: (message: string) => void;
}

/** Deletes the registration and waits for the job. Already gone counts as done. */
export async function removeRemoteStorage(spec: RemoveSpec): Promise<{ alreadyGone: boolean }> {
  return spec.local.withSession(async (session) => {
    if (!(await findRegistration(spec.local, session, spec.remoteStorageDeviceId)))
      return { alreadyGone: true };
    const remove = async (remoteSession?: HitachiSession) => {
      let job: HitachiJob;
      try {
        job = await deleteRemoteStorageRequest(
          spec.local,
          session,
          remoteSession,
          spec.remoteStorageDeviceId,
          spec.isMutualDeletion,
          spec.longPollSeconds ?? 0,
        );
      } catch (err) {
        if (isDrplaneError(err, "DRP_NOT_FOUND")) return { alreadyGone: true };
        throw err;
      }
      spec.onProgress?.(`deleting remote storage ${spec.remoteStorageDeviceId}: job ${job.jobId}`);
      await spec.local.waitForJob(session, job, {
        what: `delete remote storage ${spec.remoteStorageDeviceId}`,
        timeoutMs: spec.timeoutMs,
        onState: (state, ms) =>
          spec.onProgress?.(`job ${job.jobId}: ${state} after ${Math.round(ms / 1000)} s`),
      });
      return { alreadyGone: false };
    };
    // Mutual deletion acts on the remote array too, so it needs a remote session; a plain
    // delete does not, and then still works when the remote site is gone.
    return spec.isMutualDeletion ? spec.remote.withSession(remove) : remove();
  });
}
