/**
 * The one waiter for every asynchronous vendor operation (jobs, pairing states, volume
 * states, VM status). Deadline-based, first check fast, then capped backoff proportional to
 * the time already waited (so detection lag stays a small fraction of the job's length),
 * with jitter. Unknown states count as pending. Failures and timeouts carry the job id,
 * the last state and the vendor's message.
 */
import { systemClock, type Clock } from "./clock";
import { JobFailedError, TimeoutError, type ErrorMeta } from "./errors";
import { currentScope, runInScope } from "./call-scope";
import { FailureTally, isRetryable, RETRY_DEFAULTS } from "./retry";

export type PollVerdict =
  | { status: "success"; state?: string }
  | { status: "pending"; state: string; message?: string }
  | { status: "failure"; state: string; message: string; meta?: ErrorMeta };

export interface PollOptions<S> {
  /** What is being waited for, for messages: "Hitachi job 892 (register remote storage)". */
  what: string;
  jobId?: string;
  /**
   * Reads the current snapshot, through the vendor's idempotent calls (they are the retry
   * site; poll does not wrap them again). A transient failure that escapes them is a failed
   * check: polling goes on while the shared retry budget and the deadline allow.
   */
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

/**
 * Runs in a call scope: the deadline reaches every request `describe` makes (retry sleeps and
 * request timeouts), and the retry budget (failed attempts in a row) is shared with the vendor
 * calls inside, so a failing server sees at most the attempt cap, not its square.
 */
export function poll<S>(opts: PollOptions<S>): Promise<PollResult<S>> {
  const clock = opts.clock ?? systemClock;
  const deadline = clock.now() + opts.timeoutMs;
  return runInScope({ deadline, clock, maxAttempts: RETRY_DEFAULTS.maxAttempts }, () =>
    pollInScope(opts, clock, deadline),
  );
}

async function pollInScope<S>(opts: PollOptions<S>, clock: Clock, deadline: number): Promise<PollResult<S>> {
  const start = deadline - opts.timeoutMs;
  const tally = new FailureTally(currentScope()!.budget);
  let polls = 0;
  let lastState = "unknown";
  let lastMessage: string | undefined;
  let lastReport = 0;
  let delay = opts.firstDelayMs ?? POLL_DEFAULTS.firstDelayMs;
  for (;;) {
    if (clock.now() + delay > deadline) delay = Math.max(0, deadline - clock.now());
    await clock.sleep(delay, opts.signal);
    let snapshot: S;
    try {
      snapshot = await opts.describe();
      tally.succeeded();
    } catch (err) {
      tally.add(err);
      if (!isRetryable(err) || !tally.canRetry || clock.now() >= deadline) throw tally.annotate(err);
      // A failed check: the next one follows poll's own schedule.
      delay = Math.max(nextPollDelay(clock.now() - start, opts), err.meta.retryAfterMs ?? 0);
      continue;
    }
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
