/**
 * Hitachi asynchronous jobs. A job is finished when `status` is "Completed"; it succeeded
 * when `state` is "Succeeded"; anything else at completion is a failure whose `error`
 * object carries the vendor's code (reference §2.2). Unknown statuses are pending.
 */
import type { PollVerdict } from "../../core/poll";
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
