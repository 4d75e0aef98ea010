/**
 * Shared setup of the oVirt client tests: a simulated engine on a ManualClock, credentials with a
 * canary password, a log sink that keeps every line (to scan for the canary), and a clean slate
 * (sessions drained, detections, refusals and credentials forgotten) after each test.
 */
import { ManualClock } from "../../../provider/core/clock";
import { clearStackCredentials, setStackCredentials } from "../../../provider/core/credentials";
import { closeAllAgents } from "../../../provider/core/http";
import { setLogSink } from "../../../provider/core/log";
import { drainSessions } from "../../../provider/core/session";
import {
  OvirtClient,
  resetOvirtDetections,
  resetOvirtLoginGuard,
  type OvirtConnection,
} from "../../../provider/vendors/ovirt";
import { startOvirtEngine, type OvirtEngine, type OvirtMode } from "../../sim/ovirt";

export const USER = "admin@internal";
/** A password that must never appear in an error, a log line or a progress line. */
export const CANARY = "Canary-Pw-4e7d91c0b2";
export const PROFILE = "ovirt";

export interface Site {
  engine: OvirtEngine;
  clock: ManualClock;
  lines: string[];
  client(extra?: Partial<OvirtConnection>): OvirtClient;
  progress: string[];
  onProgress: (line: string) => void;
}

export async function startSite(
  mode: OvirtMode,
  opts: Parameters<typeof startOvirtEngine>[0] = {},
): Promise<Site> {
  const clock = new ManualClock();
  const engine = await startOvirtEngine({ mode, clock, users: { [USER]: CANARY }, ...opts });
  setStackCredentials({ [PROFILE]: { username: USER, password: CANARY } });
  const lines: string[] = [];
  setLogSink((level, line) => lines.push(`${level}: ${line}`));
  const progress: string[] = [];
  return {
    engine,
    clock,
    lines,
    progress,
    onProgress: (line) => progress.push(line),
    client: (extra = {}) => new OvirtClient({ endpoint: engine.url, profile: PROFILE, ...extra }, clock),
  };
}

export async function stopSite(site: Site | undefined): Promise<void> {
  await drainSessions();
  resetOvirtDetections();
  resetOvirtLoginGuard();
  clearStackCredentials();
  setLogSink(undefined);
  await site?.engine.stop();
  await closeAllAgents();
}

export { visible } from "../../support/visible";
