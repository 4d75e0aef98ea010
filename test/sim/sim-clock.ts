/**
 * Clock helpers for simulators. Simulators never *sleep* on their clock (on a ManualClock,
 * `sleep` advances the shared test clock); they derive state from `clock.now()` and, when they
 * must hold a response, poll in real time with `waitUntil`.
 */
import { systemClock, type Clock } from "../../provider/core/clock";

/**
 * Virtual time that runs `speed`× real time (for the demo: a 3-minute job takes 3 s at speed 60).
 * `advance(ms)` jumps ahead instantly; `onAdvance` listeners fire on jumps only.
 */
export class ScaledClock implements Clock {
  private readonly baseOrigin: number;
  private readonly origin: number;
  private skipped = 0;
  private readonly listeners = new Set<(now: number) => void>();

  constructor(
    readonly speed: number,
    private readonly base: Clock = systemClock,
    start?: number,
  ) {
    if (!(speed > 0) || !Number.isFinite(speed))
      throw new RangeError("ScaledClock speed must be a positive number");
    this.baseOrigin = base.now();
    this.origin = start ?? this.baseOrigin;
  }

  now(): number {
    return this.origin + (this.base.now() - this.baseOrigin) * this.speed + this.skipped;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return this.base.sleep(Math.max(0, ms) / this.speed, signal);
  }

  advance(ms: number): void {
    this.skipped += Math.max(0, ms);
    const now = this.now();
    for (const listener of this.listeners) listener(now);
  }

  onAdvance(listener: (now: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** A clock that can tell us when it jumps (ManualClock, ScaledClock). */
interface AdvanceNotifier {
  onAdvance(listener: (now: number) => void): () => void;
}

function hasOnAdvance(clock: Clock): clock is Clock & AdvanceNotifier {
  return typeof (clock as Partial<AdvanceNotifier>).onAdvance === "function";
}

export interface WaitUntilOptions {
  /** Re-evaluated on every clock jump and every `pollRealMs`. */
  clock: Clock;
  /** Give up after this much real time (0 = check once). */
  maxRealMs: number;
  /** Real-time polling period (default 20 ms). */
  pollRealMs?: number;
  /** Stop early (e.g. client went away, server stopping). */
  signal?: AbortSignal;
}

/**
 * Resolves true as soon as `predicate()` holds, false when `maxRealMs` of real time passed or the
 * signal aborted. Never advances or sleeps on `clock`.
 */
export function waitUntil(predicate: () => boolean, opts: WaitUntilOptions): Promise<boolean> {
  if (predicate()) return Promise.resolve(true);
  if (opts.maxRealMs <= 0 || opts.signal?.aborted) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    let finished = false;
    const pollMs = Math.max(1, opts.pollRealMs ?? 20);
    const check = (): void => {
      if (finished) return;
      if (predicate()) finish(true);
    };
    const interval = setInterval(check, pollMs);
    const deadline = setTimeout(() => finish(predicate()), opts.maxRealMs);
    const unsubscribe = hasOnAdvance(opts.clock)
      ? opts.clock.onAdvance(() => queueMicrotask(check))
      : undefined;
    const onAbort = (): void => finish(false);
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    function finish(result: boolean): void {
      if (finished) return;
      finished = true;
      clearInterval(interval);
      clearTimeout(deadline);
      unsubscribe?.();
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(result);
    }
  });
}

/** ISO-8601 without milliseconds ("2016-04-26T14:56:42Z"), the form vendor APIs commonly print. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.000Z$/, "Z");
}
