/**
 * NseSim: one simulated NetApp Service Engine on loopback (a SimServer with every route of this
 * directory) plus the test controls: reads (shares, jobs), out-of-band changes for drift, job
 * outcome injection, token expiry, and fault helpers (500 bursts, dropped connections).
 * Every read and control settles the clock first.
 */
import { SimServer, type Fault } from "../framework";
import type { NseAuthCounters } from "./auth";
import { installFileServerRoutes } from "./fileservers";
import { installFileShareRoutes, renderShare } from "./fileshares";
import { installJobRoutes, renderJob } from "./jobs";
import type { NseSimOptions } from "./modes";
import type { ExportRule, FileServerRecord, FileShareRecord, JobOutcome, Json, OutcomeRule } from "./models";
import { NseRouter } from "./router";
import { installSigninRoutes } from "./signin";
import { installSnapshotRoutes } from "./snapshots";
import { NseState, SEED } from "./state";

export interface NseCounters extends NseAuthCounters {
  liveTokens: number;
  jobsCreated: number;
}

export class NseSim {
  readonly state: NseState;
  readonly server: SimServer;

  constructor(options: NseSimOptions = {}) {
    this.state = new NseState(options);
    this.server = new SimServer({
      name: options.name ?? "nse",
      clock: this.state.clock,
      tls: options.tls,
      notFound: (req, { allowedMethods }) => router.notFound(req, allowedMethods),
      faultBody: (status) => router.faultBody(status),
      onError: (err) => router.errorBody(err),
    });
    const router = new NseRouter(this.server, this.state);
    installSigninRoutes(router);
    installJobRoutes(router);
    installFileServerRoutes(router);
    installSnapshotRoutes(router);
    installFileShareRoutes(router);
  }

  async start(): Promise<string> {
    return this.server.start();
  }

  async stop(): Promise<void> {
    await this.server.stop();
  }

  /** "http://127.0.0.1:PORT" (the client's endpoint). */
  get url(): string {
    return this.server.url;
  }

  /** "/api" by default, "" in the other reading. */
  get basePath(): string {
    return this.state.basePath;
  }

  /** url + basePath: prefix of "/v2.1/..." paths. */
  get apiUrl(): string {
    return this.server.url + this.state.basePath;
  }

  /** Route key for the log, counters and faults: key("POST", "/v2.1/fileshares") → "POST /api/v2.1/fileshares". */
  key(method: string, path: string): string {
    return `${method.toUpperCase()} ${this.state.basePath}${path}`;
  }

  requestCount(method: string, path: string): number {
    return this.server.requestCount(this.key(method, path));
  }

  /** The canary in every job task's request_payload. */
  get backendPassword(): string {
    return this.state.backendPassword;
  }

  get seed(): typeof SEED {
    return SEED;
  }

  get counters(): NseCounters {
    return {
      ...this.state.auth.counters,
      liveTokens: this.state.auth.liveTokens(),
      jobsCreated: this.state.jobs.size,
    };
  }

  // ---- reads (wire-shaped copies; settle first) ---------------------------------------------

  private settled(): NseState {
    this.state.settle();
    return this.state;
  }

  /** A visible share by id or name, as GET renders it. */
  share(idOrName: string): Json | undefined {
    const s = this.settled();
    const rec = s.shares.get(idOrName) ?? [...s.shares.values()].find((x) => x.name === idOrName);
    return rec && renderShare(s, rec);
  }

  shares(): Json[] {
    const s = this.settled();
    return [...s.shares.values()].map((r) => renderShare(s, r));
  }

  job(id: string): Json | undefined {
    const s = this.settled();
    const j = s.jobs.get(id);
    return j && renderJob(s, j);
  }

  /** Jobs oldest first, optionally for one object id. */
  jobs(objectId?: string): Json[] {
    const s = this.settled();
    return [...s.jobs.values()]
      .filter((j) => !objectId || j.object_id === objectId)
      .map((j) => renderJob(s, j));
  }

  fileServers(): FileServerRecord[] {
    return [...this.settled().fileServers.values()].map((f) => ({ ...f }));
  }

  // ---- out-of-band changes (drift; no job, no validation) -----------------------------------

  private live(idOrName: string): FileShareRecord {
    const s = this.settled();
    const rec = s.shares.get(idOrName) ?? [...s.shares.values()].find((x) => x.name === idOrName);
    if (!rec) throw new Error(`no file share ${idOrName}`);
    return rec;
  }

  /** Changes a share behind the client's back (size_gb, export_policy, dr_enabled, service_level ...). */
  changeShare(
    idOrName: string,
    patch: Partial<
      Pick<FileShareRecord, "size_gb" | "service_level" | "dr_enabled" | "name" | "snapshot_policy" | "tags">
    > & {
      export_policy?: ExportRule[];
    },
  ): void {
    Object.assign(this.live(idOrName), structuredClone(patch));
  }

  /** A share deleted out of band (GET → 404). */
  removeShare(idOrName: string): void {
    this.state.shares.delete(this.live(idOrName).id);
  }

  /** A share that already exists (created outside Pulumi, e.g. to test adoption); returns its id. */
  addShare(spec: Partial<FileShareRecord> & { name: string; fileserver_id?: string }): string {
    const s = this.settled();
    const fs = s.fileServers.get(spec.fileserver_id ?? SEED.fileServerId);
    if (!fs) throw new Error(`no file server ${spec.fileserver_id}`);
    const id = spec.id ?? s.newId();
    s.shares.set(id, {
      share_path: `/${spec.name}`,
      size_gb: 100,
      service_level: "standard",
      protocol: "nfs",
      security_style: "unix",
      export_policy: [],
      dr_enabled: false,
      tags: [],
      snapshots: [],
      state: "Operational",
      tenant_id: fs.tenant_id,
      subtenant_id: fs.subtenant_id,
      ...structuredClone(spec),
      fileserver_id: fs.id,
      id,
    });
    return id;
  }

  /** An extra file server (creating them over the API is not modelled). */
  addFileServer(spec: Partial<FileServerRecord> & { name: string }): string {
    const s = this.settled();
    const id = spec.id ?? s.newId();
    s.fileServers.set(id, {
      tenant_id: SEED.tenantId,
      subtenant_id: SEED.subtenantId,
      zone: "zone-a",
      ip_addr: "192.0.2.50",
      dr_available: true,
      ...spec,
      id,
    });
    return id;
  }

  // ---- job outcomes ------------------------------------------------------------------------

  /** The next job (matching action/objectType if given) ends as `rule` says. Rules queue up. */
  setNextJobOutcome(rule: OutcomeRule): void {
    this.state.outcomeRules.push({ ...rule });
  }

  /** The next matching job ends `failed` with these task errors (default one). */
  failNextJob(rule: Omit<OutcomeRule, "status"> & { status?: "failed" | "partial_failures" } = {}): void {
    this.setNextJobOutcome({ status: "failed", ...rule });
  }

  /** The next matching job ends `warning` (its effect happens). */
  warnNextJob(
    statusDetail = "Completed with warnings: SnapMirror relationship is not yet initialized.",
    rule: Omit<OutcomeRule, "status" | "statusDetail"> = {},
  ): void {
    this.setNextJobOutcome({ status: "warning", statusDetail, ...rule });
  }

  /** The next matching job never leaves `running` (finish it with `finishJob`). */
  hangNextJob(rule: Omit<OutcomeRule, "status" | "hang"> = {}): void {
    this.setNextJobOutcome({ status: "successful", hang: true, ...rule });
  }

  /** Every job created from now on hangs (true) or not (false). */
  hangJobs(on: boolean): void {
    this.state.hangAll = on;
  }

  /** Ends an unfinished job now, with its own outcome or a new one. */
  finishJob(id: string, outcome?: JobOutcome): void {
    this.state.finishJob(id, outcome);
  }

  // ---- auth and faults ---------------------------------------------------------------------

  /** Every token issued so far is refused from now on (401). */
  expireTokens(): void {
    this.state.auth.expireAll();
  }

  /** The next `n` authenticated requests pass; then every token so far expires ("expiry mid-job"). */
  expireTokensAfter(n: number): void {
    this.state.auth.expireAfter(n);
  }

  /** `times` 500s (the envelope) on `method path` ("/v2.1/..."), after `after` passes. */
  fail500(method: string, path: string, times = 1, after = 0): Fault {
    return this.server.faults.add({ route: this.key(method, path), status: 500, times, after });
  }

  /**
   * Drops the connection on `method path`: before handling (nothing happened) or, with
   * `afterHandling`, after it (the request took effect, the reply was lost).
   */
  dropConnection(
    method: string,
    path: string,
    opts: { afterHandling?: boolean; times?: number; after?: number } = {},
  ): Fault {
    return this.server.faults.add({
      route: this.key(method, path),
      ...(opts.afterHandling ? { resetAfterHandling: true } : { reset: true }),
      times: opts.times ?? 1,
      after: opts.after ?? 0,
    });
  }
}
