/**
 * Process-wide concurrency limits. The provider host runs many RPCs at once (the engine
 * defaults to 4×CPU), so each endpoint has a bounded number of requests in flight (a
 * streamed response holds its slot until the stream ends). State lives on globalThis so two
 * loaded copies of this module agree. (Logins are single-flight in core/session.)
 */
import { processWide } from "./process-state";

interface LimitsState {
  semaphores: Map<string, Semaphore>;
}

const state = processWide<LimitsState>("limits", () => ({ semaphores: new Map() }));

export class Semaphore {
  private active = 0;
  private readonly waiters: Array<() => void> = [];
  constructor(public max: number) {}

  get inFlight(): number {
    return this.active;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /** Takes a slot; the returned function gives it back (once, however often it is called). */
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((resolve) => this.waiters.push(resolve));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.active--;
    };
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
