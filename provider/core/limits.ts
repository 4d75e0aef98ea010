/**
 * Process-wide concurrency helpers. The provider host runs many RPCs at once (the engine
 * defaults to 4×CPU), so logins are single-flight and each endpoint has a bounded number of
 * requests in flight. State lives on globalThis so two loaded copies of this module agree.
 */
import { processWide } from "./process-state";
interface LimitsState {
  flights: Map<string, Promise<unknown>>;
  semaphores: Map<string, Semaphore>;
}

const state = processWide<LimitsState>("limits", () => ({ flights: new Map(), semaphores: new Map() }));

/** Runs `fn` once for concurrent callers with the same key; all share its result. */
export function singleFlight<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const existing = state.flights.get(key);
  if (existing) return existing as Promise<T>;
  const p = fn().finally(() => state.flights.delete(key));
  state.flights.set(key, p);
  return p;
}

export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(public max: number) {}

  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    }
  }
}

export const DEFAULT_ENDPOINT_CONCURRENCY = 8;

/** The one limiter for `key` (an origin). */
export function endpointLimiter(key: string, max = DEFAULT_ENDPOINT_CONCURRENCY): Semaphore {
  let sem = state.semaphores.get(key);
  if (!sem) {
    sem = new Semaphore(max);
    state.semaphores.set(key, sem);
  }
  // Callers of one origin may ask for different bounds; the largest asked for wins.
  sem.max = Math.max(sem.max, max);
  return sem;
}
