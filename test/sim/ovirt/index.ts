/**
 * oVirt / RHEV engine simulator (issue 11): both API dialects (v4 JSON, v3 RHEV 3.6), OAuth SSO
 * and Basic/cookie sessions, VM/disk/storage-domain/host state machines on the simulator clock,
 * events, jobs by Correlation-Id, search, faults and drift controls.
 *
 *   const engine = await startOvirtEngine({ mode: "rhev-3.6", clock });
 *   engine.apiUrl                       // "http://127.0.0.1:PORT/ovirt-engine/api"
 *   engine.vm("vm1")?.status            // state read (settles the clock first)
 *   engine.renameVm("vm1", "vm1-x")     // drift
 *   engine.server.faults.add({ route: "POST /ovirt-engine/api/vms/:id/start", status: 409 });
 *   await engine.stop();
 *
 * See README.md in this directory for every behaviour, its source and what is guessed.
 */
import { OvirtEngine } from "./engine";
import type { OvirtEngineOptions } from "./modes";

export { OvirtEngine, type OvirtCounters } from "./engine";
export { MODES, DEFAULT_TIMINGS, ALL_PREFIXES } from "./modes";
export type { OvirtEngineOptions, OvirtMode, OvirtTimings, OvirtSeedOptions, ModeInfo } from "./modes";
export type * from "./models";
export { ZERO_GUID, RUNNING_STATUSES } from "./models";
export { SEED_IDS, DEFAULT_ISO_FILES } from "./seed";
export { MSG } from "./errors";
export { HOTPLUG_FACTOR } from "./vm-config";

/** Creates an engine and starts its server on 127.0.0.1:0. */
export async function startOvirtEngine(options: OvirtEngineOptions = {}): Promise<OvirtEngine> {
  const engine = new OvirtEngine(options);
  await engine.start();
  return engine;
}
