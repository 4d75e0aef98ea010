/**
 * The one retry layer. Only transient failures are retried, only for idempotent calls,
 * with capped full-jitter backoff that honours Retry-After, under an attempt cap and the
 * caller's deadline. A non-idempotent create that may have reached the server goes through
 * `createOnce`, which looks the object up by its natural key before ever repeating it.
 */
import { systemClock, type Clock } from "./clock";
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

/** Runs an idempotent operation, retrying transient failures. */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const maxAttempts = opts.maxAttempts ?? RETRY_DEFAULTS.maxAttempts;
  let totalDelay = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (err) {
      if (!isRetryable(err) || attempt >= maxAttempts) throw annotate(err, attempt, totalDelay);
      const delay = backoffDelay(attempt, opts, err.meta.retryAfterMs);
      if (opts.deadline !== undefined && clock.now() + delay > opts.deadline)
        throw annotate(err, attempt, totalDelay);
      opts.onRetry?.(err, attempt, delay);
      await clock.sleep(delay, opts.signal);
      totalDelay += delay;
    }
  }
}

function annotate(err: unknown, attempts: number, totalRetryDelayMs: number): unknown {
  if (isDrplaneError(err)) {
    err.meta.attempts = attempts;
    err.meta.totalRetryDelayMs = totalRetryDelayMs;
  }
  return err;
}

export interface CreateOnceOptions<T> extends RetryOptions {
  /** Sends the create. Not idempotent. */
  create: () => Promise<T>;
  /** Finds the object by natural key; undefined when it does not exist. Idempotent. */
  lookup: () => Promise<T | undefined>;
}

/**
 * Creates an object at most once. When a create fails in a way that may have reached the
 * server (timeout, reset after send, 5xx), the object is looked up first; only if it is
 * absent is the create repeated. Failures that cannot have reached the server are retried
 * directly.
 */
export async function createOnce<T>(opts: CreateOnceOptions<T>): Promise<T> {
  return withRetry(async (attempt) => {
    if (attempt > 1) {
      const found = await withRetry(() => opts.lookup(), { ...opts, onRetry: undefined });
      if (found !== undefined) return found;
    }
    return opts.create();
  }, opts);
}
