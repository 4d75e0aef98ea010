/**
 * Per-route fault injection for SimServer (see framework.ts for the whole API).
 *
 * A fault is offered every request whose route it names. Faults are evaluated in the order they
 * were added; the first fault that fires decides what happens to the request and later faults do
 * not see it. A matching fault first lets `after` requests pass untouched, then fires `times`
 * times, then stays inert (it is kept so tests can read `fired`).
 */

/** What a fault does once it fires. At least one action must be given. */
export interface FaultSpec {
  /**
   * Which requests: "METHOD /registered/:pattern" (exactly as passed to `route()`), a concrete
   * "METHOD /path/123", "METHOD *" (any path), or "*" (every request, including unknown routes).
   */
  route: string;
  /** How many matching requests fire the fault (default 1; `Infinity` for all). */
  times?: number;
  /** Let the first N matching requests through before firing (default 0). */
  after?: number;
  /** Answer with this status instead of running the handler. */
  status?: number;
  /** Body for `status` (object → JSON). Default: the simulator's `faultBody(status, req)` hook. */
  body?: unknown;
  /** Extra headers for `status` answers (e.g. Retry-After). */
  headers?: Record<string, string>;
  /** Destroy the socket without answering; the handler does not run (request never processed). */
  reset?: boolean;
  /**
   * Run the real handler (its side effects happen), then destroy the socket instead of answering:
   * "the POST reached the server but the reply was lost".
   */
  resetAfterHandling?: boolean;
  /** Real-time delay before anything else (alone: a slow but otherwise normal answer). */
  delayMs?: number;
}

/** A fault as stored: its spec plus live counters. */
export interface Fault extends Readonly<FaultSpec> {
  readonly id: number;
  /** Matching requests seen so far (including the `after` ones). */
  readonly seen: number;
  /** Times this fault fired. */
  readonly fired: number;
  /** True once it fired `times` times. */
  readonly exhausted: boolean;
  remove(): void;
}

interface FaultState {
  id: number;
  spec: FaultSpec;
  seen: number;
  fired: number;
}

/** The request facts a fault is matched against. */
export interface FaultTarget {
  method: string;
  path: string;
  /** Registered pattern of the matched route, or null for unknown routes. */
  pattern: string | null;
}

export class FaultInjector {
  private readonly states: FaultState[] = [];
  private nextId = 1;

  /** Adds a fault; returns a live view of it (counters update as requests arrive). */
  add(spec: FaultSpec): Fault {
    const hasAction =
      spec.status !== undefined || spec.reset || spec.resetAfterHandling || spec.delayMs !== undefined;
    if (!hasAction)
      throw new TypeError(`fault for ${spec.route}: give status, reset, resetAfterHandling or delayMs`);
    if (spec.reset && spec.resetAfterHandling)
      throw new TypeError("fault: reset and resetAfterHandling exclude each other");
    const times = spec.times ?? 1;
    if (!(times >= 0)) throw new TypeError("fault: times must be >= 0");
    parseRouteKey(spec.route); // validates
    const state: FaultState = { id: this.nextId++, spec: { ...spec, times }, seen: 0, fired: 0 };
    this.states.push(state);
    return this.view(state);
  }

  /** Removes every fault. */
  clear(): void {
    this.states.length = 0;
  }

  /** Live views of every fault, in evaluation order. */
  list(): Fault[] {
    return this.states.map((s) => this.view(s));
  }

  /** Called by SimServer once per request: returns the fault that fires, if any. */
  take(target: FaultTarget): FaultSpec | undefined {
    for (const state of this.states) {
      const times = state.spec.times ?? 1;
      if (state.fired >= times) continue;
      if (!routeMatches(state.spec.route, target)) continue;
      state.seen += 1;
      if (state.seen <= (state.spec.after ?? 0)) continue;
      state.fired += 1;
      return state.spec;
    }
    return undefined;
  }

  private view(state: FaultState): Fault {
    const states = this.states;
    return {
      ...state.spec,
      id: state.id,
      get seen() {
        return state.seen;
      },
      get fired() {
        return state.fired;
      },
      get exhausted() {
        return state.fired >= (state.spec.times ?? 1);
      },
      remove() {
        const i = states.indexOf(state);
        if (i >= 0) states.splice(i, 1);
      },
    };
  }
}

/** Splits "METHOD /path" (or "*") into its parts; throws on malformed keys. */
export function parseRouteKey(key: string): { method: string; path: string } {
  const trimmed = key.trim();
  if (trimmed === "*") return { method: "*", path: "*" };
  const match = /^([A-Za-z]+|\*)\s+(\S+)$/.exec(trimmed);
  if (!match)
    throw new TypeError(`route key must look like "POST /a/:id" or "*", got ${JSON.stringify(key)}`);
  return { method: match[1]!.toUpperCase(), path: normalizePath(match[2]!) };
}

export function routeMatches(key: string, target: FaultTarget): boolean {
  const { method, path } = parseRouteKey(key);
  if (method !== "*" && method !== target.method) return false;
  return path === "*" || path === target.pattern || path === normalizePath(target.path);
}

/** Drops a trailing slash (clients such as terraform-provider-hitachi POST to ".../sessions/"). */
export function normalizePath(path: string): string {
  return path.length > 1 && path.endsWith("/") ? path.replace(/\/+$/, "") || "/" : path;
}

/** Short description for the request log ("delay 100ms, status 503"). */
export function describeFault(fault: FaultSpec): string {
  const parts: string[] = [];
  if (fault.delayMs) parts.push(`delay ${fault.delayMs}ms`);
  if (fault.reset) parts.push("reset");
  if (fault.resetAfterHandling) parts.push("reset after handling");
  if (fault.status !== undefined) parts.push(`status ${fault.status}`);
  return parts.join(", ");
}
