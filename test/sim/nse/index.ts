/**
 * NetApp Service Engine (NSE) v2.1 simulator (issue 12): JWT sign-in/refresh, the response
 * envelope, jobs moving pending → running → successful | failed | partial_failures | warning on
 * the clock (seed 003), file servers, file shares with snapshots and tags (reference part A),
 * faults and drift controls.
 *
 *   const nse = await startNse({ clock, basePath: "/api" });
 *   nse.apiUrl                                       // "http://127.0.0.1:PORT/api"
 *   // POST {apiUrl}/v2.1/auth/signin {username: "nse-admin", password: "NseSim#2020"}
 *   nse.failNextJob({ taskErrors: ["Aggregate aggr1 is full."] });
 *   nse.changeShare("share1", { size_gb: 200 });      // drift
 *   nse.fail500("GET", "/v2.1/jobs/:id", 3);
 *   await nse.stop();
 *
 * See README.md in this directory for every behaviour, its source and what is guessed.
 */
import type { NseSimOptions } from "./modes";
import { NseSim } from "./sim";

export { NseSim, type NseCounters } from "./sim";
export { SEED } from "./state";
export { signJwt, verifyJwt, type NseAuthCounters } from "./auth";
export {
  STATUS_WORDS,
  DEFAULT_TIMINGS,
  DEFAULT_USERS,
  DEFAULT_BACKEND_PASSWORD,
  DEFAULT_TOKEN_LIFETIME_MS,
} from "./modes";
export type {
  NseSimOptions,
  NseTimings,
  NsePhase,
  NseStatusVocabulary,
  NseInjectedStatus,
  NseErrorBodies,
} from "./modes";
export type { JobOutcome, OutcomeRule, FileShareRecord, FileServerRecord, ExportRule } from "./models";
export { SHARE_TYPE } from "./fileshares";
export { SNAPSHOT_TYPE } from "./snapshots";
export { FILESERVER_TYPE } from "./fileservers";

/** Creates an NSE and starts its server on 127.0.0.1:0. */
export async function startNse(options: NseSimOptions = {}): Promise<NseSim> {
  const sim = new NseSim(options);
  await sim.start();
  return sim;
}
