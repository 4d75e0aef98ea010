/**
 * Remote storage registration (POST/GET/DELETE /v1/objects/remote-storages), seed 000
 * step 6-7 and reference §1.5. Operations are small and typed; `ensureRemoteStorage`
 * (register.ts) and `removeRemoteStorage` (remove.ts) are the idempotent flows the Pulumi
 * handler (or any script) uses.
 */
import { isDrplaneError, NotFoundError } from "../../core/errors";
import type { HitachiClient, HitachiSession } from "./client";
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

/**
 * True when the job list is not there for us: 404 (seed 000 shows no job list; an array answered
 * KART30013-E) or 403 (the user's role may not read other jobs). Only an optimisation fails.
 */
export function isJobListUnavailable(err: unknown): boolean {
  return (
    isDrplaneError(err, "DRP_NOT_FOUND") || (isDrplaneError(err, "DRP_AUTH") && err.meta.httpStatus === 403)
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
