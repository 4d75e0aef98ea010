/**
 * A small micro-batcher: concurrent `load(key)` calls made within a short window are
 * gathered and answered by one `run(keys)` (used to coalesce many resources' refresh reads
 * into a few list queries, e.g. VRG `GET vmstrategy?vmUuid=…&vmUuid=…`).
 *
 * - A batch is sent when it is full (`maxBatch`, or `fits` says one more key would not fit,
 *   e.g. a URL length bound), or `windowMs` after its first key arrived.
 * - Duplicate keys waiting in the same batch share one answer. Keys are never attached to a
 *   batch already sent, so an answer is never older than the call that asked for it.
 * - `run` answers a Map; a key it leaves out resolves to `undefined` ("no such object").
 *   When `run` rejects, every key of that batch rejects with the same error.
 * Registries are process-wide (globalThis) so every copy of this module shares batches.
 */

import { processWide } from "./process-state";

export interface MicroBatcherOptions<K, V> {
  /** Most keys in one batch. */
  maxBatch: number;
  /** Whether these keys still fit one request (e.g. the URL they make stays short enough). */
  fits?: (keys: readonly K[]) => boolean;
  /** How long the first key of a batch waits for company (real time, default 5 ms). */
  windowMs?: number;
  run: (keys: K[]) => Promise<Map<K, V>>;
}

interface Pending<V> {
  resolve: (v: V | undefined) => void;
  reject: (err: unknown) => void;
}

export class MicroBatcher<K, V> {
  private keys: K[] = [];
  private waiters = new Map<K, Array<Pending<V>>>();
  private timer?: NodeJS.Timeout;
  /** Batches sent so far (for tests and benchmarks). */
  batches = 0;

  constructor(private readonly opts: MicroBatcherOptions<K, V>) {}

  load(key: K): Promise<V | undefined> {
    return new Promise<V | undefined>((resolve, reject) => {
      const existing = this.waiters.get(key);
      if (existing) {
        existing.push({ resolve, reject });
        return;
      }
      if (this.keys.length > 0 && !this.fits([...this.keys, key])) this.flush();
      this.keys.push(key);
      this.waiters.set(key, [{ resolve, reject }]);
      if (this.keys.length >= this.opts.maxBatch) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.opts.windowMs ?? 5);
    });
  }

  private fits(keys: readonly K[]): boolean {
    return keys.length <= this.opts.maxBatch && (this.opts.fits?.(keys) ?? true);
  }

  /** Sends the waiting batch now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const keys = this.keys;
    const waiters = this.waiters;
    this.keys = [];
    this.waiters = new Map();
    if (keys.length === 0) return;
    this.batches++;
    this.opts.run(keys).then(
      (answers) => {
        for (const [key, list] of waiters) for (const w of list) w.resolve(answers.get(key));
      },
      (err: unknown) => {
        for (const list of waiters.values()) for (const w of list) w.reject(err);
      },
    );
  }
}

/** The process-wide batcher for `key`, created by `make` on first use. */
export function sharedBatcher<K, V>(key: string, make: () => MicroBatcher<K, V>): MicroBatcher<K, V> {
  const registry = batcherRegistry();
  let b = registry.get(key) as MicroBatcher<K, V> | undefined;
  if (!b) {
    b = make();
    registry.set(key, b as MicroBatcher<unknown, unknown>);
  }
  return b;
}

function batcherRegistry(): Map<string, MicroBatcher<unknown, unknown>> {
  return processWide("batchers", () => new Map<string, MicroBatcher<unknown, unknown>>());
}
