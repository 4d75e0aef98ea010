/**
 * The one retry layer. Only transient failures are retried, only for idempotent calls,
 * with capped full-jitter backoff that honours Retry-After, under an attempt cap, a retry
 * budget shared by every retry site of one logical operation, and the caller's deadline
 * (core/call-scope). A non-idempotent create that may have reached the server goes through
 * `createOnce`, which looks the object up by its natural key before ever repeating it.
 */
import { systemClock, type Clock } from "./clock";
import { currentScope, runInScope, type RetryBudget } from "./call-scope";
import { isDrplaneError, type DrplaneError } from "./errors";

export interface RetryOptions {
  /** Total attempts including the first (default 5). */
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Absolute time (clock ms) after which no new attempt starts. */
  deadline?: number;
  clock?: Clock;
  signal?: AbortSignal;
  random?: () => number;
  /** Called before each sleep; for progress lines. */
  onRetry?: (err: DrplaneError, attempt: number, delayMs: number) => void;
  /**
   * Transient failures that are waited out past the attempt cap and the retry budget, for as
   * long as the deadline allows (e.g. a login refused at the array's session cap). Without a
   * deadline this has no effect.
   */
  untilDeadline?: (err: DrplaneError) => boolean;
}

export const RETRY_DEFAULTS = { maxAttempts: 5, baseDelayMs: 250, maxDelayMs: 20_000 };

export function isRetryable(err: unknown): err is DrplaneError {
  return isDrplaneError(err, "DRP_TRANSIENT");
}

/** Full-jitter exponential backoff, with the server's Retry-After as a floor. */
export function backoffDelay(attempt: number, opts: RetryOptions, retryAfterMs?: number): number {
  const base = opts.baseDelayMs ?? RETRY_DEFAULTS.baseDelayMs;
  const cap = opts.maxDelayMs ?? RETRY_DEFAULTS.maxDelayMs;
  const random = opts.random ?? Math.random;
  const ceiling = Math.min(cap, base * 2 ** (attempt - 1));
  const jittered = Math.max(base / 2, ceiling * random());
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, cap * 3));
}

/**
 * What the failed attempts of one operation add up to: the requests really sent (an error
 * that already crossed an inner retry site brings its own count) and the time slept. Each
 * failure not yet counted by an inner site takes one unit of the scope's retry budget.
 */
export class FailureTally {
  requests = 0;
  delayMs = 0;

  constructor(private readonly budget: RetryBudget) {}

  add(err: unknown): void {
    const counted = isDrplaneError(err) && err.meta.attempts !== undefined;
    this.requests += counted ? err.meta.attempts! : 1;
    this.delayMs += counted ? (err.meta.totalRetryDelayMs ?? 0) : 0;
    if (!counted && isRetryable(err)) this.budget.left--;
  }

  /** The budget allows another attempt. */
  get canRetry(): boolean {
    return this.budget.left > 0;
  }

  /** A success: the budget counts failures in a row, so it is refilled. */
  succeeded(): void {
    this.budget.left = this.budget.max;
    this.requests = 0;
    this.delayMs = 0;
  }

  /** Writes the summed counts on the error (an inner count is included, never overwritten). */
  annotate(err: unknown): unknown {
    if (isDrplaneError(err)) {
      err.meta.attempts = this.requests;
      err.meta.totalRetryDelayMs = this.delayMs;
    }
    return err;
  }
}

/**
 * Runs an idempotent operation, retrying transient failures. It runs in a call scope (see
 * core/call-scope): its deadline (the earlier of `opts.deadline` and the caller's) caps the
 * retry sleeps and the request timeouts, and its retry budget is shared with any enclosing
 * `poll`/`createOnce`/`withRetry`, so nested retry sites never multiply the attempts.
 */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const maxAttempts = opts.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  return runInScope({ deadline: opts.deadline, clock, maxAttempts }, async () => {
    const scope = currentScope()!;
    const tally = new FailureTally(scope.budget);
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await fn(attempt);
        tally.succeeded();
        return result;
      } catch (err) {
        tally.add(err);
        if (!isRetryable(err)) throw tally.annotate(err);
        const waitOut = scope.deadline !== undefined && opts.untilDeadline?.(err) === true;
        if (!waitOut && (attempt >= maxAttempts || !tally.canRetry)) throw tally.annotate(err);
        const delay = backoffDelay(attempt, opts, err.meta.retryAfterMs);
        if (scope.deadline !== undefined && scope.clock.now() + delay > scope.deadline)
          throw tally.annotate(err);
        opts.onRetry?.(err, attempt, delay);
        await clock.sleep(delay, opts.signal);
        tally.delayMs += delay;
      }
    }
  });
}

export interface CreateOnceOptions<T> extends RetryOptions {
  /** Sends the create. Not idempotent. */
  create: () => Promise<T>;
  /** Finds the object by natural key; undefined when it does not exist. Idempotent (the vendor call retries). */
  lookup: () => Promise<T | undefined>;
}

/**
 * Creates an object at most once. When a create fails in a way that may have reached the
 * server (timeout, reset after send, 5xx), the object is looked up first; only if it is
 * absent is the create repeated. Failures that cannot have reached the server are retried
 * directly. The create is the retry site here; the lookup is not wrapped again (the vendor's
 * idempotent call retries it), and both share this call's deadline and retry budget.
 */
export async function createOnce<T>(opts: CreateOnceOptions<T>): Promise<T> {
  return withRetry(async (attempt) => {
    if (attempt > 1) {
      const found = await opts.lookup();
      if (found !== undefined) return found;
    }
    return opts.create();
  }, opts);
}
