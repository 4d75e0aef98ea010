/**
 * The "network" between simulated arrays: a registry of arrays by REST server address
 * ("ip:port"). Registration on one array looks its peer up here (to validate the
 * Remote-Authorization session and, with mutual discovery, to register itself on the peer). The
 * arrays talk in-process, not over HTTP: the peer's request log does not show these calls, and
 * HTTP faults on the peer do not affect them (stop the peer to make it unreachable).
 *
 * The fabric also settles due jobs of all its arrays in completion order (see jobs.ts), so a
 * side effect on the peer is visible through either array's API from the job's doneAt on.
 */
import type { HitachiArray } from "./array";

export class HitachiFabric {
  private readonly byAddress = new Map<string, HitachiArray>();
  private readonly members = new Set<HitachiArray>();
  private settling = false;

  /** Makes `array` reachable at each "ip:port" address (called by HitachiArray.start()). */
  attach(array: HitachiArray, addresses: string[]): void {
    this.members.add(array);
    for (const address of addresses) this.byAddress.set(normalizeAddress(address), array);
  }

  /** Makes `array` unreachable (called by HitachiArray.stop()); its pending jobs still settle. */
  detach(array: HitachiArray): void {
    for (const [address, member] of this.byAddress) if (member === array) this.byAddress.delete(address);
  }

  /** The running array whose REST server answers at ip:port, if any. */
  lookup(ip: string, port: number): HitachiArray | undefined {
    return this.byAddress.get(normalizeAddress(`${ip}:${port}`));
  }

  arrays(): HitachiArray[] {
    return [...this.members];
  }

  /** Completes every due job of every member array, earliest doneAt first. */
  settle(): void {
    if (this.settling) return;
    this.settling = true;
    try {
      for (;;) {
        const due = [...this.members].flatMap((array) => array.dueJobs().map((job) => ({ array, job })));
        if (due.length === 0) return;
        due.sort((a, b) => a.job.doneAt - b.job.doneAt || a.job.createdAt - b.job.createdAt);
        const first = due[0]!;
        first.array.completeJob(first.job);
      }
    } finally {
      this.settling = false;
    }
  }
}

/** "LOCALHOST:443" → "127.0.0.1:443"; "[::1]:443" → "::1:443". */
export function normalizeAddress(address: string): string {
  const match = /^\[?(.+?)\]?:(\d+)$/.exec(address.trim());
  if (!match) return address.trim().toLowerCase();
  const host = match[1]!.toLowerCase();
  return `${host === "localhost" ? "127.0.0.1" : host}:${Number(match[2])}`;
}
