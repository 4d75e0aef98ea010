/**
 * The one waiter for every asynchronous vendor operation (jobs, pairing states, volume
 * states, VM status). Deadline-based, first check fast, then capped backoff proportional to
 * the time already waited (so detection lag stays a small fraction of the job's length),
 * with jitter. Unknown states count as pending. Failures and timeouts carry the job id,
 * the last state and the vendor's message.
 */
import { systemClock, type Clock } from "./clock";
import { JobFailedError, TimeoutError, type ErrorMeta } from "./errors";
import { withRetry } from "./retry";

export type PollVerdict =
  | { status: "success"; state?: string }
  | { status: "pending"; state: string; message?: string }
  | { status: "failure"; state: string; message: string; meta?: ErrorMeta };

export interface PollOptions<S> {
  /** What is being waited for, for messages: "Hitachi job 892 (register remote storage)". */
  what: string;
  jobId?: string;
  /** Reads the current snapshot. Transient failures are retried within the deadline. */
  describe: () => Promise<S>;
  /** Pure: decides from a snapshot. */
  classify: (snapshot: S) => PollVerdict;
  timeoutMs: number;
  /** First check after this delay (default 200 ms). */
  firstDelayMs?: number;
  /** Waits never exceed this (default 15 s). */
  maxDelayMs?: number;
  /** Next delay is at most this fraction of the time waited so far (default 0.04). */
  proportion?: number;
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  /**
   * Called when the observed state changes, on success, and as a heartbeat every
   * `heartbeatMs` (default 60 s) while the state stays the same: never on every poll.
   */
  onState?: (state: string, elapsedMs: number, polls: number) => void;
  meta?: ErrorMeta;
  heartbeatMs?: number;
}

export interface PollResult<S> {
  snapshot: S;
  elapsedMs: number;
  polls: number;
}

export const POLL_DEFAULTS = { firstDelayMs: 200, maxDelayMs: 15_000, proportion: 0.04 };

/** The delay before the next check, given the time already waited. */
export function nextPollDelay(
  elapsedMs: number,
  opts: Pick<PollOptions<unknown>, "firstDelayMs" | "maxDelayMs" | "proportion" | "random">,
): number {
  const first = opts.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
  const cap = opts.maxDelayMs ?? POLL_DEFAULTS.maxDelayMs;
  const proportion = opts.proportion ?? POLL_DEFAULTS.proportion;
  const random = opts.random ?? Math.random;
  const target = Math.min(cap, Math.max(first, elapsedMs * proportion));
  // ±20 % jitter so many resources polling one array do not synchronise.
  return Math.round(target * (0.8 + 0.4 * random()));
}

export async function poll<S>(opts: PollOptions<S>): Promise<PollResult<S>> {
  const clock = opts.clock ?? systemClock;
  const start = clock.now();
  const deadline = start + opts.timeoutMs;
  let polls = 0;
  let lastState = "unknown";
  let lastMessage: string | undefined;
  let lastReport = 0;
  let delay = opts.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
  for (;;) {
    if (clock.now() + delay > deadline) delay = Math.max(0, deadline - clock.now());
    await clock.sleep(delay, opts.signal);
    const snapshot = await withRetry(() => opts.describe(), { clock, deadline, signal: opts.signal });
    polls++;
    const verdict = opts.classify(snapshot);
    const elapsedMs = clock.now() - start;
    if (verdict.status === "success") {
      opts.onState?.(verdict.state ?? "finished", elapsedMs, polls);
      return { snapshot, elapsedMs, polls };
    }
    if (verdict.state !== lastState || elapsedMs - lastReport >= (opts.heartbeatMs ?? 60_000)) {
      opts.onState?.(verdict.state, elapsedMs, polls);
      lastReport = elapsedMs;
    }
    lastState = verdict.state;
    lastMessage = verdict.message;
    if (verdict.status === "failure") {
      throw new JobFailedError(`${opts.what} failed: ${verdict.message}`, {
        meta: { ...opts.meta, ...verdict.meta, jobId: opts.jobId, lastState: verdict.state },
      });
    }
    if (clock.now() >= deadline) {
      throw new TimeoutError(
        `${opts.what} did not finish within ${Math.round(opts.timeoutMs / 1000)} s` +
          (lastMessage ? `: ${lastMessage}` : ""),
        {
          meta: {
            ...opts.meta,
            jobId: opts.jobId,
            lastState,
            remedy:
              "the operation may still be running on the system; raise this resource's timeouts input, then run `pulumi up` again (it resumes or adopts the result)",
          },
        },
      );
    }
    delay = nextPollDelay(elapsedMs, opts);
  }
}
