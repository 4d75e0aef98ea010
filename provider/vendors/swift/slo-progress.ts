/**
 * Counters of an SLO upload (bytes sent, segments uploaded and reused) and its sparse progress
 * line. Time comes from the injected Clock: a line is due when bytes arrive at least one
 * interval after the previous line (no timer, so a ManualClock decides when lines appear).
 */
import type { Clock } from "../../core/clock";

export interface ProgressOptions {
  /** "container/name" of the object. */
  where: string;
  total: number;
  count: number;
  clock: Clock;
  onProgress?: (message: string) => void;
  /** Progress line interval (default 10 s). */
  intervalMs?: number;
}

export class SloProgress {
  bytesUploaded = 0;
  uploadedSegments = 0;
  reusedSegments = 0;
  private reusedBytes = 0;
  private readonly startedAt: number;
  private lastLineAt: number;

  constructor(private readonly opts: ProgressOptions) {
    this.startedAt = opts.clock.now();
    this.lastLineAt = this.startedAt;
  }

  sent(n: number): void {
    this.bytesUploaded += n;
    if (!this.opts.onProgress) return;
    const now = this.opts.clock.now();
    if (now - this.lastLineAt >= (this.opts.intervalMs ?? 10_000)) this.report("uploading", now);
  }

  /** A replayed segment PUT starts over: its earlier bytes no longer count. */
  restart(previous: number): void {
    this.bytesUploaded -= previous;
  }

  segmentDone(): void {
    this.uploadedSegments++;
  }

  reused(bytes: number): void {
    this.reusedSegments++;
    this.reusedBytes += bytes;
  }

  finish(): void {
    this.report("uploaded", this.opts.clock.now());
  }

  private report(verb: string, now: number): void {
    this.lastLineAt = now;
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    const secs = Math.max(0.001, (now - this.startedAt) / 1000);
    const done = this.uploadedSegments + this.reusedSegments;
    const reused = this.reusedSegments
      ? `, ${this.reusedSegments} reused (${mib(this.reusedBytes)} MiB)`
      : "";
    this.opts.onProgress?.(
      `${verb} ${this.opts.where}: ${mib(this.bytesUploaded + this.reusedBytes)} of ${mib(this.opts.total)} MiB, ` +
        `${done}/${this.opts.count} segments${reused}, ${mib(this.bytesUploaded / secs)} MiB/s`,
    );
  }
}
