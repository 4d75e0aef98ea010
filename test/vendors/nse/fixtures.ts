/**
 * Shared setup of the NSE client tests: a simulated NSE on a ManualClock, credentials with a
 * canary password, a log sink that keeps every line (to scan for the canaries), and a clean
 * slate (sessions drained, refusals and credentials forgotten) after each test.
 */
import { ManualClock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { closeAllAgents } from "../../../provider/core/http";
import { setLogSink } from "../../../provider/core/log";
import { drainSessions } from "../../../provider/core/session";
import { NseClient, resetNseLoginGuard, type NseConnection } from "../../../provider/vendors/nse";
import { startNse, type NseSim, type NseSimOptions } from "../../sim/nse";

export const USER = "nse-admin";
/** A sign-in password that must never appear in an error, a log line or a progress line. */
export const CANARY = "Canary-Nse-Pw-93b1d7";
/** The back-end password the simulator puts in every task's request_payload. */
export const BACKEND_CANARY = "Backend-Canary-Org-Pw-5c2e";
export const PROFILE = "nse";

export interface Site {
  nse: NseSim;
  clock: ManualClock;
  lines: string[];
  progress: string[];
  onProgress: (line: string) => void;
  client(extra?: Partial<NseConnection>): NseClient;
}

export async function startSite(opts: NseSimOptions = {}): Promise<Site> {
  const clock = new ManualClock();
  const nse = await startNse({ clock, users: { [USER]: CANARY }, backendPassword: BACKEND_CANARY, ...opts });
  setStackCredentials({ [PROFILE]: { username: USER, password: CANARY } });
  const lines: string[] = [];
  setLogSink((level, line) => lines.push(`${level}: ${line}`));
  const progress: string[] = [];
  return {
    nse,
    clock,
    lines,
    progress,
    onProgress: (line) => progress.push(line),
    client: (extra = {}) =>
      new NseClient({ endpoint: nse.url, basePath: nse.basePath, profile: PROFILE, ...extra }, clock),
  };
}

export async function stopSite(site: Site | undefined): Promise<void> {
  await drainSessions();
  resetNseLoginGuard();
  clearStackCredentials();
  setLogSink(undefined);
  await site?.nse.stop();
  await closeAllAgents();
}

export { visible } from "../../support/visible";

/** The error `p` rejects with (fails when it resolves). */
export async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error("expected a rejection");
}
