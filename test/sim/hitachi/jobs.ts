/**
 * Asynchronous jobs of one array (reference §2.2–2.3), as states on a clock:
 *
 *   [createdAt, createdAt+queuedMs)  status Initializing, state Queued
 *   [.., doneAt)                     status Running,      state Started
 *   doneAt and later                 status Completed,    state Succeeded | Failed
 *
 * A job's effect (`run`) happens exactly once, when it is *settled*: HitachiFabric.settle() runs
 * every due job of every array in doneAt order before each request is handled, so the effect is
 * visible exactly from doneAt on (as seen through the API), whatever the clock.
 */
import type { Clock } from "../../../provider/core/clock";
import { isoSeconds } from "../sim-clock";
import type { HitachiErrorObject } from "./errors";
import { JOBS_PATH } from "./paths";

export type JobOutcome =
  | { ok: true; affectedResources: string[] }
  | { ok: false; error: HitachiErrorObject; affectedResources?: string[] };

export interface JobRequest {
  requestUrl: string;
  requestMethod: string;
  /** The request body as a string (reference: requestBody(string)). */
  requestBody: string;
}

export interface HitachiJob {
  readonly jobId: number;
  readonly userId: string;
  readonly createdAt: number;
  readonly startedAt: number;
  /** When it completes (moved later while the array's jobs are hung). */
  doneAt: number;
  readonly request: JobRequest;
  /** The effect, run once at settlement with the completion clock time. */
  readonly run: (at: number) => JobOutcome;
  outcome?: JobOutcome;
  completedAt?: number;
}

/** The job object as the API returns it. */
export interface JobView {
  jobId: number;
  self: string;
  userId: string;
  status: "Initializing" | "Running" | "Completed";
  state: "Queued" | "Started" | "Succeeded" | "Failed";
  createdTime: string;
  updatedTime: string;
  completedTime?: string;
  request: JobRequest;
  affectedResources?: string[];
  error?: HitachiErrorObject;
}

export class JobEngine {
  private readonly jobs = new Map<number, HitachiJob>();
  private nextId = 1;
  private hung = false;

  constructor(
    private readonly clock: Clock,
    private readonly queuedMs: number,
  ) {}

  /** A new asynchronous job that completes `durationMs` of clock time from now. */
  create(spec: {
    userId: string;
    request: JobRequest;
    durationMs: number;
    run: (at: number) => JobOutcome;
  }): HitachiJob {
    const now = this.clock.now();
    const duration = Math.max(0, spec.durationMs);
    const job: HitachiJob = {
      jobId: this.nextId++,
      userId: spec.userId,
      createdAt: now,
      startedAt: now + Math.min(this.queuedMs, duration),
      doneAt: now + duration,
      request: spec.request,
      run: spec.run,
    };
    this.jobs.set(job.jobId, job);
    return job;
  }

  /** A job record for a synchronous operation (already Completed/Succeeded). */
  createCompleted(userId: string, request: JobRequest, affectedResources: string[]): HitachiJob {
    const job = this.create({ userId, request, durationMs: 0, run: () => ({ ok: true, affectedResources }) });
    this.complete(job);
    return job;
  }

  get(jobId: number): HitachiJob | undefined {
    return this.jobs.get(jobId);
  }

  /** Newest first. */
  list(): HitachiJob[] {
    return [...this.jobs.values()].reverse();
  }

  /** Unsettled jobs whose doneAt has passed (none while hung). */
  due(): HitachiJob[] {
    if (this.hung) return [];
    const now = this.clock.now();
    return [...this.jobs.values()].filter((j) => !j.outcome && j.doneAt <= now);
  }

  complete(job: HitachiJob): void {
    if (job.outcome) return;
    job.outcome = job.run(job.doneAt);
    job.completedAt = job.doneAt;
  }

  /** While hung, jobs stay Running; on release they complete no earlier than the release time. */
  setHung(hung: boolean): void {
    if (this.hung && !hung) {
      const now = this.clock.now();
      for (const job of this.jobs.values()) if (!job.outcome && job.doneAt < now) job.doneAt = now;
    }
    this.hung = hung;
  }

  get isHung(): boolean {
    return this.hung;
  }

  view(job: HitachiJob): JobView {
    const now = this.clock.now();
    const base = {
      jobId: job.jobId,
      self: `${JOBS_PATH}/${job.jobId}`,
      userId: job.userId,
      createdTime: isoSeconds(job.createdAt),
      request: job.request,
    };
    if (job.outcome) {
      const completedTime = isoSeconds(job.completedAt ?? job.doneAt);
      const view: JobView = {
        ...base,
        status: "Completed",
        state: job.outcome.ok ? "Succeeded" : "Failed",
        updatedTime: completedTime,
        completedTime,
        affectedResources: job.outcome.affectedResources ?? [],
      };
      if (!job.outcome.ok) view.error = job.outcome.error;
      return view;
    }
    if (now < job.startedAt)
      return { ...base, status: "Initializing", state: "Queued", updatedTime: base.createdTime };
    return { ...base, status: "Running", state: "Started", updatedTime: isoSeconds(job.startedAt) };
  }
}
