/**
 * The idempotent deletion flow (`removeRemoteStorage`): DELETE remote-storages/{id} with
 * `Remote-Authorization` whenever the remote is reachable (some arrays require it for every
 * DELETE, mutual or not), wait for the job, and count "already gone" as done.
 */
import { isDrplaneError } from "../../core/errors";
import type { HitachiClient, HitachiSession } from "./client";
import { waitForHitachiJob, type HitachiJob } from "./jobs";
import { deleteRemoteStorageRequest, findRegistration } from "./remote-storage";

export interface RemoveSpec {
  local: HitachiClient;
  remote: HitachiClient;
  remoteStorageDeviceId: string;
  isMutualDeletion: boolean;
  timeoutMs: number;
  longPollSeconds?: number;
  onProgress?: (message: string) => void;
}

/**
 * Deletes the registration and waits for the job. Already gone counts as done. The remote
 * session is the outer one, so a local re-login never discards it while the job runs. When the
 * remote cannot be reached, a plain (not mutual) delete goes ahead without the header.
 */
export async function removeRemoteStorage(spec: RemoveSpec): Promise<{ alreadyGone: boolean }> {
  const clock = spec.local.clock;
  const deadline = clock.now() + spec.timeoutMs;
  const opts = { deadline, onProgress: spec.onProgress };
  const say = (message: string) => spec.onProgress?.(message);
  const remoteId = spec.remoteStorageDeviceId;
  /** Survives a replay after a local 401: the job is waited for, never requested twice. */
  let pending: HitachiJob | undefined;

  const remove = (remoteSession: HitachiSession | undefined, remoteError: unknown) =>
    spec.local.withSession(async (session) => {
      if (!pending) {
        if (!(await findRegistration(spec.local, session, remoteId))) return { alreadyGone: true };
        if (!remoteSession) {
          if (spec.isMutualDeletion) throw remoteError; // mutual deletion acts on the remote too
          say(
            `cannot open a session on the remote REST server (${describe(remoteError)}); deleting without Remote-Authorization`,
          );
        }
        try {
          pending = await deleteRemoteStorageRequest(
            spec.local,
            session,
            remoteSession,
            remoteId,
            spec.isMutualDeletion,
            spec.longPollSeconds ?? 0,
          );
        } catch (err) {
          if (isDrplaneError(err, "DRP_NOT_FOUND")) return { alreadyGone: true };
          throw err;
        }
        say(`deleting remote storage ${remoteId}: job ${pending.jobId}`);
      }
      const job = pending;
      try {
        await waitForHitachiJob(job, {
          what: `delete remote storage ${remoteId}`,
          read: async () => {
            if (remoteSession) await spec.remote.keepAlive(remoteSession, say);
            return spec.local.getJob(session, job.jobId);
          },
          timeoutMs: Math.max(0, deadline - clock.now()),
          clock,
          onProgress: spec.onProgress,
        });
      } catch (err) {
        // Logging the remote session out now would fail the job still running on the array.
        if (isDrplaneError(err, "DRP_TIMEOUT") && remoteSession) spec.remote.abandon(remoteSession);
        throw err;
      }
      return { alreadyGone: false };
    }, opts);

  let entered = false;
  try {
    return await spec.remote.withSession((remoteSession) => {
      entered = true;
      return remove(remoteSession, undefined);
    }, opts);
  } catch (err) {
    if (entered) throw err;
    // The remote login failed: the delete decides whether it can go ahead without it.
    return remove(undefined, err);
  }
}

function describe(err: unknown): string {
  return isDrplaneError(err) ? err.summary : String(err);
}
