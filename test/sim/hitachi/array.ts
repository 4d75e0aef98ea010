/**
 * One simulated Hitachi storage array with its embedded Configuration Manager REST server
 * (base path /ConfigurationManager). State: sessions, jobs, remote-storage registrations.
 * HTTP mapping lives in routes.ts; start it with startHitachiArray() (index.ts).
 */
import { systemClock, type Clock } from "../../../provider/core/clock";
import { SimServer } from "../framework";
import { errorForStatus, hitachiError, KART, type HitachiErrorObject } from "./errors";
import { HitachiFabric } from "./fabric";
import { deriveStorageDeviceId } from "./models";
import { JobEngine, type HitachiJob, type JobOutcome, type JobRequest } from "./jobs";
import { REMOTE_STORAGES_PATH } from "./paths";
import { installHitachiRoutes } from "./routes";
import { SessionStore } from "./sessions";

export interface HitachiArrayOptions {
  model: string;
  serialNumber: number;
  /** Default: derived from model and serialNumber. */
  storageDeviceId?: string;
  /** user → password. */
  users: Record<string, string>;
  /** Default "1.31.0". */
  apiVersion?: string;
  clock?: Clock;
  /** Clock ms a job takes (default 3000), or per operation. */
  jobDurationMs?: number | { defaultMs?: number; registerMs?: number; deleteMs?: number };
  /** Clock ms a job stays Initializing/Queued (default 200, never more than its duration). */
  jobQueuedMs?: number;
  /** Live-session cap (default 64). */
  sessionCap?: number;
  /** Extra life past aliveTime (default 0; the real array may allow ~5 s). */
  sessionGraceMs?: number;
  /** Send Retry-After (seconds) with the session-cap 503 (default: not sent). */
  sessionCapRetryAfterSec?: number;
  /** Max real time to hold a `Response-Job-Status: Completed` answer (default 0 = never hold). */
  maxHoldRealMs?: number;
  /**
   * `GET /v1/objects/jobs` (the job list, UNCONFIRMED in the sources): "present" (default) lists
   * jobs; "absent" answers 404 KART30013-E; "forbidden" answers 403 (the user's role).
   */
  jobList?: "present" | "absent" | "forbidden";
  /**
   * Every `DELETE remote-storages/:id` needs `Remote-Authorization`, whatever isMutualDeletion
   * says (default false: only with isMutualDeletion true). Which one is real is UNCONFIRMED.
   */
  deleteRequiresRemoteAuthorization?: boolean;
  /** Arrays that must find each other share a fabric (default: a private one). */
  fabric?: HitachiFabric;
  ctl1Ip?: string;
  ctl2Ip?: string;
  svpIp?: string;
  /** Extra "ip:port" addresses the fabric resolves to this array (e.g. "192.0.2.200:23451"). */
  aliases?: string[];
  /** Serve HTTPS. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** Label for logs. */
  name?: string;
}

export interface RemoteStorageRecord {
  storageDeviceId: string;
  dkcType: "Local" | "Remote";
  restServerIp: string;
  restServerPort: number;
  model: string;
  serialNumber: number;
  ctl1Ip?: string;
  ctl2Ip?: string;
  communicationModes: Array<{ communicationMode: string }>;
}

export interface StorageInfo {
  storageDeviceId: string;
  model: string;
  serialNumber: number;
  svpIp?: string;
  ctl1Ip?: string;
  ctl2Ip?: string;
}

/** Overrides for array.failNextJob(); defaults: KART.storageFailure with SSB 2E31/9100 (invented). */
export interface JobFailure {
  messageId?: string;
  message?: string;
  cause?: string;
  solution?: string;
  solutionType?: string;
  SSB1?: string;
  SSB2?: string;
  detailCode?: string;
}

export class HitachiArray {
  readonly storageDeviceId: string;
  readonly model: string;
  readonly serialNumber: number;
  readonly apiVersion: string;
  readonly clock: Clock;
  readonly fabric: HitachiFabric;
  readonly server: SimServer;
  readonly sessions: SessionStore;
  readonly jobs: JobEngine;
  private readonly remotes = new Map<string, RemoteStorageRecord>();
  private readonly pendingFailures: HitachiErrorObject[] = [];

  constructor(readonly options: HitachiArrayOptions) {
    this.model = options.model;
    this.serialNumber = options.serialNumber;
    this.storageDeviceId =
      options.storageDeviceId ?? deriveStorageDeviceId(options.model, options.serialNumber);
    this.apiVersion = options.apiVersion ?? "1.31.0";
    this.clock = options.clock ?? systemClock;
    this.fabric = options.fabric ?? new HitachiFabric();
    this.sessions = new SessionStore(this.clock, options.sessionCap ?? 64, options.sessionGraceMs ?? 0);
    this.jobs = new JobEngine(this.clock, options.jobQueuedMs ?? 200);
    this.server = new SimServer({
      name: options.name ?? `hitachi ${this.storageDeviceId}`,
      clock: this.clock,
      tls: options.tls,
      faultBody: (status, req) => errorForStatus(status, req.path),
      notFound: (req, { allowedMethods }) =>
        allowedMethods.length > 0
          ? {
              status: 405,
              headers: { Allow: allowedMethods.join(", ") },
              body: hitachiError(KART.methodNotAllowed, req.path),
            }
          : { status: 404, body: hitachiError(KART.unsupportedUrl, req.path) },
      onError: (_err, req) => ({ status: 500, body: hitachiError(KART.internal, req.path) }),
    });
    installHitachiRoutes(this.server, this);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  async start(): Promise<string> {
    const url = await this.server.start();
    const { port } = new URL(url);
    this.fabric.attach(this, [`127.0.0.1:${port}`, ...(this.options.aliases ?? [])]);
    return url;
  }

  async stop(): Promise<void> {
    this.fabric.detach(this);
    await this.server.stop();
  }

  get url(): string {
    return this.server.url;
  }

  /** The address other arrays register this one under (restServerIp/restServerPort). */
  get restServerIp(): string {
    return "127.0.0.1";
  }

  get restServerPort(): number {
    return this.server.port;
  }

  // ---- counters -----------------------------------------------------------------------------

  get logins(): number {
    return this.sessions.counters.logins;
  }
  get failedLogins(): number {
    return this.sessions.counters.failedLogins;
  }
  get sessionsCreated(): number {
    return this.sessions.counters.sessionsCreated;
  }
  get sessionsDiscarded(): number {
    return this.sessions.counters.sessionsDiscarded;
  }
  get sessionsExpired(): number {
    return this.sessions.counters.sessionsExpired;
  }
  get peakLiveSessions(): number {
    return this.sessions.counters.peakLiveSessions;
  }
  /** Sessions neither expired nor discarded, now. */
  get liveSessions(): number {
    return this.sessions.live().length;
  }

  // ---- fault and drift hooks ----------------------------------------------------------------

  /** The next job created on this array ends Failed with this error (no side effect). */
  failNextJob(failure: JobFailure = {}): void {
    const { SSB1 = "2E31", SSB2 = "9100", detailCode, ...text } = failure;
    const error = hitachiError(KART.storageFailure, "", { errorCode: { SSB1, SSB2 } });
    Object.assign(error, text);
    if (detailCode !== undefined) error.detailCode = detailCode;
    this.pendingFailures.push(error);
  }

  /** true: jobs stay Running until hangJobs(false). */
  hangJobs(hung: boolean): void {
    this.fabric.settle();
    this.jobs.setHung(hung);
  }

  /**
   * Another client holds the array at its session cap: the free slots are filled with sessions
   * of user "other-client" that idle out `forMs` of clock time from now. Returns how many.
   */
  holdSessionCap(forMs: number): number {
    return this.sessions.fill("other-client", forMs / 1000, "192.0.2.99");
  }

  /** Every live session times out now. Returns how many. */
  expireAllSessions(): number {
    return this.sessions.expireAll();
  }

  /** Out-of-band deletion (someone removed it on the array). Returns whether it existed. */
  removeRegistration(storageDeviceId: string): boolean {
    this.fabric.settle();
    return this.remotes.delete(storageDeviceId);
  }

  /** Out-of-band change of fields of a registration. */
  mutateRegistration(storageDeviceId: string, patch: Partial<Omit<RemoteStorageRecord, "dkcType">>): void {
    this.fabric.settle();
    const record = this.remotes.get(storageDeviceId);
    if (!record) throw new Error(`no registration ${storageDeviceId} on ${this.storageDeviceId}`);
    const updated = { ...record, ...patch, dkcType: "Remote" as const };
    this.remotes.delete(storageDeviceId);
    this.remotes.set(updated.storageDeviceId, updated);
  }

  /** Registered remote storages (dkcType "Remote"), as of now. */
  registrations(): RemoteStorageRecord[] {
    this.fabric.settle();
    return [...this.remotes.values()].map((r) => structuredClone(r));
  }

  // ---- model used by routes -----------------------------------------------------------------

  settle(): void {
    this.fabric.settle();
  }

  dueJobs(): HitachiJob[] {
    return this.jobs.due();
  }

  completeJob(job: HitachiJob): void {
    this.jobs.complete(job);
  }

  storageInfo(): StorageInfo {
    const { ctl1Ip = "127.0.0.1", ctl2Ip, svpIp } = this.options;
    return {
      storageDeviceId: this.storageDeviceId,
      model: this.model,
      serialNumber: this.serialNumber,
      svpIp,
      ctl1Ip,
      ctl2Ip,
    };
  }

  /** The whole remote-storages list: this array (dkcType "Local") first, then the registrations. */
  remoteStorageList(): RemoteStorageRecord[] {
    return [this.asRecord("Local"), ...this.remotes.values()].map((r) => structuredClone(r));
  }

  remoteStorage(storageDeviceId: string): RemoteStorageRecord | undefined {
    return this.remoteStorageList().find((r) => r.storageDeviceId === storageDeviceId);
  }

  isRegistered(storageDeviceId: string): boolean {
    return this.remotes.has(storageDeviceId);
  }

  checkPassword(user: string, password: string): boolean {
    return (
      Object.prototype.hasOwnProperty.call(this.options.users, user) && this.options.users[user] === password
    );
  }

  jobDuration(kind: "register" | "delete"): number {
    const d = this.options.jobDurationMs;
    if (typeof d === "number") return d;
    const byKind = kind === "register" ? d?.registerMs : d?.deleteMs;
    return byKind ?? d?.defaultMs ?? 3000;
  }

  /** A job whose `run` is replaced by a pending failNextJob() failure, if any. */
  createJob(spec: {
    userId: string;
    request: JobRequest;
    durationMs: number;
    run: (at: number) => JobOutcome;
  }): HitachiJob {
    const forced = this.pendingFailures.shift();
    const errorSource = new URL(spec.request.requestUrl).pathname;
    const run = forced ? (): JobOutcome => ({ ok: false, error: { ...forced, errorSource } }) : spec.run;
    const job = this.jobs.create({ ...spec, run });
    this.fabric.settle();
    return job;
  }

  /**
   * Accepted POST remote-storages: the job that, on completion, registers the array at
   * restServerIp:restServerPort (and this array on it, with mutual discovery).
   */
  registerRemoteJob(args: {
    userId: string;
    request: JobRequest;
    storageDeviceId: string;
    restServerIp: string;
    restServerPort: number;
    isMutualDiscovery: boolean;
    remoteToken: string;
  }): HitachiJob {
    const errorSource = REMOTE_STORAGES_PATH;
    const accepted = this.fabric.lookup(args.restServerIp, args.restServerPort);
    accepted?.sessions.touchAt(args.remoteToken, this.clock.now()); // the job talks to the remote at once
    return this.createJob({
      userId: args.userId,
      request: args.request,
      durationMs: this.jobDuration("register"),
      run: (at) => {
        const peer = this.fabric.lookup(args.restServerIp, args.restServerPort);
        if (!peer) return { ok: false, error: hitachiError(KART.remoteConnectionFailed, errorSource) };
        if (!peer.sessions.tokenAliveAt(args.remoteToken, at)) {
          return { ok: false, error: hitachiError(KART.remoteAuthenticationFailed, errorSource) };
        }
        peer.sessions.touchAt(args.remoteToken, at);
        if (peer.storageDeviceId !== args.storageDeviceId) {
          return { ok: false, error: hitachiError(KART.storageDeviceIdMismatch, errorSource) };
        }
        if (this.remotes.has(peer.storageDeviceId)) {
          return { ok: false, error: hitachiError(KART.alreadyRegistered, errorSource) };
        }
        this.remotes.set(
          peer.storageDeviceId,
          peer.asRecord("Remote", args.restServerIp, args.restServerPort),
        );
        if (args.isMutualDiscovery && !peer.remotes.has(this.storageDeviceId)) {
          peer.remotes.set(this.storageDeviceId, this.asRecord("Remote"));
        }
        return { ok: true, affectedResources: [`${REMOTE_STORAGES_PATH}/${peer.storageDeviceId}`] };
      },
    });
  }

  /** Accepted DELETE remote-storages/:id: the job that removes it (and the reverse entry when mutual). */
  deleteRemoteJob(args: {
    userId: string;
    request: JobRequest;
    storageDeviceId: string;
    isMutualDeletion: boolean;
    remoteToken?: string;
  }): HitachiJob {
    const resource = `${REMOTE_STORAGES_PATH}/${args.storageDeviceId}`;
    return this.createJob({
      userId: args.userId,
      request: args.request,
      durationMs: this.jobDuration("delete"),
      run: (at) => {
        const record = this.remotes.get(args.storageDeviceId);
        if (!record) return { ok: false, error: hitachiError(KART.notFound, resource) };
        let peer: HitachiArray | undefined;
        if (args.isMutualDeletion) {
          peer = this.fabric.lookup(record.restServerIp, record.restServerPort);
          if (!peer) return { ok: false, error: hitachiError(KART.remoteConnectionFailed, resource) };
          if (!args.remoteToken || !peer.sessions.tokenAliveAt(args.remoteToken, at)) {
            return { ok: false, error: hitachiError(KART.remoteAuthenticationFailed, resource) };
          }
          peer.sessions.touchAt(args.remoteToken, at);
        }
        this.remotes.delete(args.storageDeviceId);
        if (peer && peer.remotes.get(this.storageDeviceId)?.dkcType === "Remote")
          peer.remotes.delete(this.storageDeviceId);
        return { ok: true, affectedResources: [resource] };
      },
    });
  }

  private asRecord(
    dkcType: "Local" | "Remote",
    restServerIp?: string,
    restServerPort?: number,
  ): RemoteStorageRecord {
    const info = this.storageInfo();
    const record: RemoteStorageRecord = {
      storageDeviceId: this.storageDeviceId,
      dkcType,
      restServerIp: restServerIp ?? this.restServerIp,
      restServerPort: restServerPort ?? this.restServerPort,
      model: this.model,
      serialNumber: this.serialNumber,
      communicationModes: [{ communicationMode: "lanConnectionMode" }],
    };
    if (info.ctl1Ip !== undefined) record.ctl1Ip = info.ctl1Ip;
    if (info.ctl2Ip !== undefined) record.ctl2Ip = info.ctl2Ip;
    return record;
  }
}
