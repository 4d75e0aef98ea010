/**
 * Hitachi asynchronous jobs. A job is finished when `status` is "Completed"; it succeeded
 * when `state` is "Succeeded"; anything else at completion is a failure whose `error`
 * object carries the vendor's code (reference §2.2). Unknown statuses are pending.
 * `waitForHitachiJob` waits for one through core/poll, starting from the snapshot at hand.
 */
import type { Clock } from "../../core/clock";
import { poll, type PollResult, type PollVerdict } from "../../core/poll";
import { hitachiMeta, messageIdOf, type HitachiErrorObject } from "./errors";

export interface HitachiJob {
  jobId: number | string;
  self?: string;
  userId?: string;
  status?: string;
  state?: string;
  createdTime?: string;
  updatedTime?: string;
  completedTime?: string;
  affectedResources?: string[];
  error?: HitachiErrorObject;
}

export function classifyHitachiJob(job: HitachiJob): PollVerdict {
  const state = `${job.status ?? "?"}/${job.state ?? "?"}`;
  if (job.status !== "Completed") return { status: "pending", state };
  if (job.state === "Succeeded") return { status: "success", state };
  const err = job.error;
  const id = messageIdOf(err);
  return {
    status: "failure",
    state,
    message: [id, err?.message ?? "the job ended without an error object"].filter(Boolean).join(" "),
    meta: hitachiMeta("job", err),
  };
}

export interface JobWait {
  /** What the job does, for messages: "register remote storage 832000420000". */
  what: string;
  /** Reads the job again (GET jobs/{id}, after a keep-alive where one is needed). */
  read: () => Promise<HitachiJob>;
  timeoutMs: number;
  clock: Clock;
  /** Lines such as "job 892: Running/Started after 12 s" (the host prefixes the resource). */
  onProgress?: (message: string) => void;
}

/**
 * Waits until `job` completes; throws JobFailedError (vendor code, SSB1/SSB2, solution) when
 * it failed, TimeoutError (job id, last state) at the deadline. `job` is the snapshot at hand
 * (a POST's reply, a listed job): it is the first check, so a completed one is not read again.
 */
export function waitForHitachiJob(job: HitachiJob, wait: JobWait): Promise<PollResult<HitachiJob>> {
  return poll<HitachiJob>({
    what: `Hitachi job ${job.jobId} (${wait.what})`,
    label: `job ${job.jobId}`,
    jobId: String(job.jobId),
    first: { snapshot: job },
    describe: wait.read,
    classify: classifyHitachiJob,
    timeoutMs: wait.timeoutMs,
    clock: wait.clock,
    onProgress: wait.onProgress,
    meta: { vendor: "hitachi", operation: wait.what },
  });
}
