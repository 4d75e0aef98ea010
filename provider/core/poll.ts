/**
 * The one waiter for every asynchronous vendor operation (jobs, pairing states, volume
 * states, VM status). Deadline-based, first check at once (or on a snapshot the caller already
 * read), then capped backoff proportional to the time already waited (so detection lag stays a
 * small fraction of the job's length), with jitter. Unknown states count as pending. It formats
 * the sparse progress lines itself. Failures and timeouts carry the job id, the last state and
 * the vendor's message.
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
  /**
   * How progress lines name the wait (default `what`). The provider host already prefixes each
   * line with the resource's name, so a short name such as "job 892" reads best there.
   */
  label?: string;
  jobId?: string;
  /**
   * Reads the current snapshot, through the vendor's idempotent calls (they are the retry
   * site; poll does not wrap them again). A transient failure that escapes them is a failed
   * check: polling goes on while the shared retry budget and the deadline allow.
   */
  describe: () => Promise<S>;
  /**
   * A snapshot the caller has already read (e.g. the job a POST answered with): it is the
   * first check, so nothing is read twice. Without it, the first check reads at once.
   */
  first?: { snapshot: S };
  /** Pure: decides from a snapshot. */
  classify: (snapshot: S) => PollVerdict;
  timeoutMs: number;
  /** The delay after the first check, and the shortest delay between checks (default 200 ms). */
  firstDelayMs?: number;
  /** Waits never exceed this (default 15 s). */
  maxDelayMs?: number;
  /** Next delay is at most this fraction of the time waited so far (default 0.04). */
  proportion?: number;
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  /**
   * Progress lines, formatted by poll from `label`/`what`, the state, the time waited and the
   * vendor's message: "job 892: Running/Started after 12 s". Sparse: on a change of state, as a
   * heartbeat every `heartbeatMs` while it stays the same ("still …"), and on success when a
   * line was said before (a wait that was over at the first check says nothing).
   */
  onProgress?: (message: string) => void;
  /**
   * Raw form of the same events, kept for callers that format their own lines: called when the
   * observed state changes, on success, and as the heartbeat. Prefer `onProgress`.
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
  const report = new ProgressReport(opts);
  let given = opts.first;
  let polls = 0;
  let lastState = "unknown";
  let lastMessage: string | undefined;
  for (;;) {
    let snapshot: S;
    if (given) {
      snapshot = given.snapshot;
      given = undefined;
    } else {
      try {
        snapshot = await opts.describe();
        tally.succeeded();
        polls++;
      } catch (err) {
        tally.add(err);
        if (!isRetryable(err) || !tally.canRetry || clock.now() >= deadline) throw tally.annotate(err);
        // A failed check: the next one follows poll's own schedule.
        await sleepBefore(
          Math.max(nextPollDelay(clock.now() - start, opts), err.meta.retryAfterMs ?? 0),
          clock,
          deadline,
          opts.signal,
        );
        continue;
      }
    }
    const verdict = opts.classify(snapshot);
    const elapsedMs = clock.now() - start;
    if (verdict.status === "success") {
      report.success(verdict.state ?? "finished", elapsedMs, polls);
      return { snapshot, elapsedMs, polls };
    }
    report.observed(verdict, elapsedMs, polls);
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
    await sleepBefore(nextPollDelay(elapsedMs, opts), clock, deadline, opts.signal);
  }
}

/** Sleeps `delay`, but never past the deadline (the last check happens at it). */
function sleepBefore(delay: number, clock: Clock, deadline: number, signal?: AbortSignal): Promise<void> {
  return clock.sleep(Math.max(0, Math.min(delay, deadline - clock.now())), signal);
}

/** "12 s", "3 min 5 s", "1 h 20 min": how long a wait has lasted, for progress lines. */
export function formatElapsed(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/**
 * Decides when a wait is worth a line and formats it. Lines go out on a change of state, as a
 * heartbeat while the state stays the same, and on success after an earlier line.
 */
class ProgressReport {
  private readonly name: string;
  private readonly heartbeatMs: number;
  private lastState: string | undefined;
  private lastReportMs = 0;
  private said = false;

  constructor(
    private readonly opts: Pick<
      PollOptions<never>,
      "what" | "label" | "onProgress" | "onState" | "heartbeatMs"
    >,
  ) {
    this.name = opts.label ?? opts.what;
    this.heartbeatMs = opts.heartbeatMs ?? 60_000;
  }

  observed(verdict: Exclude<PollVerdict, { status: "success" }>, elapsedMs: number, polls: number): void {
    const changed = verdict.state !== this.lastState;
    if (!changed && elapsedMs - this.lastReportMs < this.heartbeatMs) return;
    this.lastState = verdict.state;
    this.lastReportMs = elapsedMs;
    this.opts.onState?.(verdict.state, elapsedMs, polls);
    // A failure's message is the error's; the line says only where the wait ended.
    const detail = verdict.status === "pending" && verdict.message ? ` (${verdict.message})` : "";
    this.say(
      `${this.name}: ${changed ? "" : "still "}${verdict.state} after ${formatElapsed(elapsedMs)}${detail}`,
    );
  }

  success(state: string, elapsedMs: number, polls: number): void {
    this.opts.onState?.(state, elapsedMs, polls);
    if (this.said) this.say(`${this.name}: ${state} after ${formatElapsed(elapsedMs)}`);
  }

  private say(line: string): void {
    this.said = true;
    this.opts.onProgress?.(line);
  }
}
