/**
 * The scope of one logical operation (a `poll`, a `createOnce`): its deadline and its retry
 * budget, carried to every call made inside it (AsyncLocalStorage), so the caller's deadline
 * reaches the innermost `send` (request timeouts are capped by the time left) and every retry
 * site inside shares one budget: at most `maxAttempts` failed attempts in a row for the whole
 * operation, however many layers it crosses. A success refills the budget.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Clock } from "./clock";
import { processWide } from "./process-state";

export interface RetryBudget {
  /** Failed attempts still allowed before the operation gives up. */
  left: number;
  readonly max: number;
}

export interface CallScope {
  /** Absolute time (on `clock`) after which no new attempt starts. */
  deadline?: number;
  clock: Clock;
  budget: RetryBudget;
}

/** The AsyncLocalStorage is process-wide, so two loaded copies of core see one scope. */
const storage = processWide("callScope", () => new AsyncLocalStorage<CallScope>());

export function currentScope(): CallScope | undefined {
  return storage.getStore();
}

/**
 * Runs `fn` in a scope with `deadline` (the earlier of it and an enclosing scope's). A nested
 * scope shares the enclosing budget: nesting never multiplies the attempts.
 */
export function runInScope<T>(
  opts: { deadline?: number; clock: Clock; maxAttempts: number },
  fn: () => Promise<T>,
): Promise<T> {
  const outer = storage.getStore();
  const deadlines = [opts.deadline, outer?.deadline].filter((d): d is number => d !== undefined);
  const scope: CallScope = {
    deadline: deadlines.length ? Math.min(...deadlines) : undefined,
    clock: opts.clock,
    budget: outer?.budget ?? { left: opts.maxAttempts, max: opts.maxAttempts },
  };
  return storage.run(scope, fn);
}

/** A request started near a deadline still gets this long to answer (e.g. a final check). */
export const MIN_REQUEST_TIMEOUT_MS = 1_000;

/** `timeoutMs` capped by the time left before the current scope's deadline (if any). */
export function cappedTimeout(timeoutMs: number): number {
  const scope = storage.getStore();
  if (scope?.deadline === undefined) return timeoutMs;
  const left = scope.deadline - scope.clock.now();
  return Math.min(timeoutMs, Math.max(MIN_REQUEST_TIMEOUT_MS, Math.ceil(left)));
}

/**
 * Runs `fn` outside any call scope: for work shared by many operations or outliving the one
 * that started it (a shared login, a lingering logout), which must not inherit its deadline.
 */
export function outsideScope<T>(fn: () => T): T {
  return storage.exit(fn);
}
