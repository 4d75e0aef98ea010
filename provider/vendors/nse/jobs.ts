/**
 * NSE jobs (seed 003: `GET /v2.1/jobs`, `GET /v2.1/jobs/{id}`; reference Part A1): a write that
 * answers 202 carries its job as `result.records[0]`; the job is polled on core/poll until it
 * ends. `status` is compared case-insensitively: success `successful|normal|success|completed`;
 * failure `error|failed|partial_failures` (the message quotes `status_detail`, `last_error` and
 * every task's `last_error`); `warning` is success with a printed warning (or a failure, when
 * the caller says so); anything else (`pending`, `running`, unknown) keeps polling. Only
 * `pending` and `successful` appear in NetApp's examples; every other value is a reading of the
 * prose (UNCONFIRMED). `job_tasks[].request_payload` can hold back-end passwords: it is never
 * read into an `NseJob`, so it cannot reach a log line or an error.
 */
import { isDrplaneError, JobFailedError, NotFoundError } from "../../core/errors";
import { log } from "../../core/log";
import { poll, type PollVerdict } from "../../core/poll";
import type { NseClient } from "./client";

export interface NseJobTask {
  id: string;
  status?: string;
  statusDetail?: string;
  lastError?: string;
}

export interface NseJob {
  id: string;
  action?: string;
  objectId?: string;
  objectType?: string;
  objectName?: string;
  status: string;
  statusDetail?: string;
  lastError?: string;
  /** `job_summary` ("Create request is successfully submitted"). */
  summary?: string;
  created?: string;
  updated?: string;
  tasks: NseJobTask[];
}

export const JOB_SUCCESS = ["successful", "normal", "success", "completed"] as const;
export const JOB_FAILURE = ["error", "failed", "partial_failures"] as const;
export const JOB_WARNING = "warning";

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v.trim() || undefined;
  if (typeof v === "number") return String(v);
  return undefined;
}

/**
 * A job from the wire. Only the named fields are copied: `request_payload` (and anything else
 * a task carries) is dropped here, before the job is stored, logged or quoted.
 */
export function jobFromWire(raw: unknown): NseJob | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const id = str(r.id);
  if (!id) return undefined;
  const tasks = Array.isArray(r.job_tasks) ? r.job_tasks : [];
  return {
    id,
    status: str(r.status) ?? "unknown",
    ...opt("action", str(r.action)),
    ...opt("objectId", str(r.object_id)),
    ...opt("objectType", str(r.object_type) ?? str(r.type)),
    ...opt("objectName", str(r.object_name)),
    ...opt("statusDetail", str(r.status_detail)),
    ...opt("lastError", str(r.last_error)),
    ...opt("summary", str(r.job_summary)),
    ...opt("created", str(r.created)),
    ...opt("updated", str(r.updated)),
    tasks: tasks
      .filter((t): t is Record<string, unknown> => typeof t === "object" && t !== null)
      .map((t) => ({
        id: str(t.id) ?? "?",
        ...opt("status", str(t.status)),
        ...opt("statusDetail", str(t.status_detail)),
        ...opt("lastError", str(t.last_error)),
      })),
  };
}

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

/** What a failed job says: status_detail, last_error, then each task's last_error (no repeats). */
export function jobFailureMessage(job: NseJob): string {
  const parts: string[] = [];
  const add = (s: string | undefined) => {
    if (s && !parts.some((p) => p.includes(s))) parts.push(s);
  };
  add(job.statusDetail);
  if (job.lastError) add(`last error: ${job.lastError}`);
  for (const t of job.tasks) {
    if (t.lastError && !parts.some((p) => p.includes(t.lastError!)))
      parts.push(`task ${t.id}${t.status ? ` (${t.status})` : ""}: ${t.lastError}`);
  }
  return parts.length ? `${job.status}: ${parts.join("; ")}` : `${job.status} (NSE gave no detail)`;
}

/** Pure: the verdict of one job snapshot (see the file comment). */
export function classifyNseJob(job: NseJob): PollVerdict {
  const state = job.status.toLowerCase();
  if ((JOB_SUCCESS as readonly string[]).includes(state) || state === JOB_WARNING)
    return { status: "success", state: job.status };
  if ((JOB_FAILURE as readonly string[]).includes(state)) {
    return {
      status: "failure",
      state: job.status,
      message: jobFailureMessage(job),
      meta: { vendor: "nse", jobId: job.id },
    };
  }
  return { status: "pending", state: job.status, ...(job.statusDetail ? { message: job.statusDetail } : {}) };
}

/** True when a finished job ended in `warning`. */
export function isWarning(job: NseJob): boolean {
  return job.status.toLowerCase() === JOB_WARNING;
}

/** `GET /v2.1/jobs/{id}`: the job, or undefined when NSE does not know it (404). */
export async function getNseJob(client: NseClient, id: string): Promise<NseJob | undefined> {
  const res = await client.request<unknown>({
    method: "GET",
    path: `/v2.1/jobs/${encodeURIComponent(id)}`,
    operation: "getJob",
    idempotent: true,
    accept: [404],
  });
  if (res.status === 404) return undefined;
  return jobFromWire(res.records[0]);
}

/** The job a 202 answered with (`result.records[0]`). */
export function acceptedJob(records: unknown[], operation: string): NseJob {
  const job = jobFromWire(records[0]);
  if (!job) {
    throw new JobFailedError(
      `NSE ${operation} was accepted, but the answer carries no job (result.records[0].id)`,
      {
        meta: { vendor: "nse", operation },
      },
    );
  }
  return job;
}

export interface WaitForNseJobOptions {
  /** What is waited for, in messages: "NSE create file share data1". */
  what: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  /** Treat a job that ends in `warning` as failed (default: success with a printed warning). */
  warningIsFailure?: boolean;
}

/**
 * Polls the job on core/poll from the snapshot the caller holds (a 202's job is the first
 * check). Failures and timeouts name the job id and its last state; a job NSE no longer knows
 * (404) is a failure (UNCONFIRMED: whether NSE purges finished jobs is not documented).
 */
export async function waitForNseJob(
  client: NseClient,
  job: NseJob,
  opts: WaitForNseJobOptions,
): Promise<NseJob> {
  const what = `${opts.what} (job ${job.id})`;
  const { snapshot } = await poll<NseJob>({
    what,
    label: `job ${job.id}`,
    jobId: job.id,
    first: { snapshot: job },
    describe: async () => {
      const now = await getNseJob(client, job.id);
      if (!now) {
        throw new NotFoundError(`${what}: NSE no longer knows the job`, {
          meta: { vendor: "nse", operation: "getJob", jobId: job.id, httpStatus: 404 },
        });
      }
      return now;
    },
    classify: (j) => {
      const verdict = classifyNseJob(j);
      if (verdict.status === "success" && opts.warningIsFailure && isWarning(j))
        return { status: "failure", state: j.status, message: jobFailureMessage(j), meta: { vendor: "nse" } };
      return verdict;
    },
    timeoutMs: opts.timeoutMs,
    clock: client.clock,
    onProgress: opts.onProgress,
    meta: { vendor: "nse", operation: "waitForJob" },
  });
  if (isWarning(snapshot)) {
    const line = `warning: job ${snapshot.id} finished with a warning: ${jobFailureMessage(snapshot)}`;
    if (opts.onProgress) opts.onProgress(line);
    else log.warn("nse", `${opts.what}: ${line}`);
  }
  return snapshot;
}

/**
 * The newest jobs (`GET /v2.1/jobs?sort_by=created&order_by=desc`), one page: enough to find a
 * job of ours still running after a lost reply or a crash.
 */
export async function listRecentNseJobs(client: NseClient, limit = 100): Promise<NseJob[]> {
  const res = await client.request<unknown>({
    method: "GET",
    path: "/v2.1/jobs",
    query: { sort_by: "created", order_by: "desc", offset: 0, limit },
    operation: "listJobs",
    idempotent: true,
  });
  return res.records.map(jobFromWire).filter((j): j is NseJob => j !== undefined);
}

/** A recent job on an object that has not ended yet (by `object_id`, or `object_name` + type). */
export async function findRunningNseJob(
  client: NseClient,
  match: { objectId?: string; objectName?: string; objectType?: string; action?: string },
): Promise<NseJob | undefined> {
  let jobs: NseJob[];
  try {
    jobs = await listRecentNseJobs(client);
  } catch (err) {
    // A user whose role may not list jobs: only the lookup by object is left (UNCONFIRMED).
    if (
      isDrplaneError(err, "DRP_NOT_FOUND") ||
      (isDrplaneError(err, "DRP_AUTH") && err.meta.httpStatus === 403)
    )
      return undefined;
    throw err;
  }
  return jobs.find(
    (j) =>
      classifyNseJob(j).status === "pending" &&
      (match.action === undefined || j.action === match.action) &&
      (match.objectId !== undefined
        ? j.objectId === match.objectId
        : j.objectName === match.objectName &&
          (match.objectType === undefined || j.objectType === match.objectType)),
  );
}
