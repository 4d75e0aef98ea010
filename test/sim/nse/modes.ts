/**
 * The NSE simulator's options, timings and readings of the docs: the base path, and the job
 * status vocabulary (only `pending` and `successful` are ever shown by the docs; every other
 * value is a reading, see README.md "Job statuses").
 */
import type { Clock } from "../../../provider/core/clock";

/** A job's phase inside the simulator; the wire string comes from the vocabulary. */
export type NsePhase = "pending" | "running" | "successful" | "failed" | "partial_failures" | "warning";

/** A terminal phase other than `successful` that a test can inject. */
export type NseInjectedStatus = "failed" | "partial_failures" | "warning";

/**
 * How job statuses are spelled on the wire.
 * - "examples" (default): the JSON examples' lower case: pending, running, successful, failed,
 *   partial_failures, warning (only pending/successful are in the docs; the rest UNCONFIRMED).
 * - "prose-upper": the prose's NORMAL/ERROR/PARTIAL_FAILURES/WARNING, with PENDING/RUNNING
 *   (the prose names no non-terminal state: invented).
 * - "prose-lower": normal/error/partial_failures/warning with pending/running.
 */
export type NseStatusVocabulary = "examples" | "prose-upper" | "prose-lower";

export const STATUS_WORDS: Readonly<Record<NseStatusVocabulary, Readonly<Record<NsePhase, string>>>> = {
  examples: {
    pending: "pending",
    running: "running",
    successful: "successful",
    failed: "failed",
    partial_failures: "partial_failures",
    warning: "warning",
  },
  "prose-upper": {
    pending: "PENDING",
    running: "RUNNING",
    successful: "NORMAL",
    failed: "ERROR",
    partial_failures: "PARTIAL_FAILURES",
    warning: "WARNING",
  },
  "prose-lower": {
    pending: "pending",
    running: "running",
    successful: "normal",
    failed: "error",
    partial_failures: "partial_failures",
    warning: "warning",
  },
};

/** Durations on the simulator clock (ms); all **invented** (the docs give none). */
export interface NseTimings {
  /** A job stays `pending` (job_tasks null) this long after its 202. */
  jobPendingMs: number;
  /** Then `running` (tasks filled) this long before its terminal state. */
  jobRunMs: number;
}

export const DEFAULT_TIMINGS: NseTimings = { jobPendingMs: 1_000, jobRunMs: 3_000 };

/** Shape of error answers (the docs show no error body: UNCONFIRMED). */
export type NseErrorBodies = "envelope" | "status-only" | "text";

export interface NseSimOptions {
  clock?: Clock;
  /** Prefix before /v2.1 (default "/api", the docs' `https://<host>/api`; "" for the other reading). */
  basePath?: string;
  /** username → password. Default { "nse-admin": "NseSim#2020" }. */
  users?: Record<string, string>;
  /** JWT lifetime on the clock (default 30 min; **invented**, the docs give none). */
  tokenLifetimeMs?: number;
  timings?: Partial<NseTimings>;
  statusVocabulary?: NseStatusVocabulary;
  /** Wire word for the running phase (default from the vocabulary; e.g. "processing"). */
  runningStatus?: string;
  /**
   * When a created share becomes visible: "on-success" (default; GET → 404 until the job
   * succeeds) or "at-once" (listed at once with state "Creating"; **invented**).
   */
  shareVisibility?: "on-success" | "at-once";
  /** Error bodies: the envelope with an empty result (default), the status part only, or plain text. */
  errorBodies?: NseErrorBodies;
  /** Back-end password put in every job task's request_payload (the canary tests look for). */
  backendPassword?: string;
  tls?: { key: string | Buffer; cert: string | Buffer };
  name?: string;
}

export const DEFAULT_USERS: Readonly<Record<string, string>> = { "nse-admin": "NseSim#2020" };
export const DEFAULT_BACKEND_PASSWORD = "nse-sim-backend-canary-7f3a";
export const DEFAULT_TOKEN_LIFETIME_MS = 30 * 60_000;
