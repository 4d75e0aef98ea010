/**
 * States on the simulator clock: every asynchronous engine step (a disk unlocking, a VM reaching
 * `up`) is a scheduled effect that runs exactly once, when it is settled. The engine settles
 * before every request and every test-control read, in `at` order, so an effect is visible
 * from its `at` on whatever the clock (ManualClock, ScaledClock, systemClock). Nothing sleeps.
 */
import type { Clock } from "../../../provider/core/clock";

interface Scheduled {
  seq: number;
  at: number;
  tag: string;
  run: (at: number) => void;
}

export class Scheduler {
  private items: Scheduled[] = [];
  private seq = 0;

  constructor(private readonly clock: Clock) {}

  /** Runs `run(at)` once the clock reaches `at`. `tag` groups effects for `cancel`. */
  at(at: number, tag: string, run: (at: number) => void): void {
    this.items.push({ seq: ++this.seq, at, tag, run });
  }

  /** Runs `run` `delayMs` after `from` (default now). */
  after(delayMs: number, tag: string, run: (at: number) => void, from = this.clock.now()): void {
    this.at(from + Math.max(0, delayMs), tag, run);
  }

  /** Drops every pending effect with this tag (e.g. a stop cancels a VM's power-up steps). */
  cancel(tag: string): void {
    this.items = this.items.filter((i) => i.tag !== tag);
  }

  pending(tag: string): boolean {
    return this.items.some((i) => i.tag === tag);
  }

  /** Runs every due effect in (at, seq) order; effects may schedule more (run if already due). */
  settle(): void {
    const now = this.clock.now();
    for (;;) {
      let next: Scheduled | undefined;
      for (const item of this.items)
        if (item.at <= now && (!next || item.at < next.at || (item.at === next.at && item.seq < next.seq)))
          next = item;
      if (!next) return;
      this.items.splice(this.items.indexOf(next), 1);
      next.run(next.at);
    }
  }
}
