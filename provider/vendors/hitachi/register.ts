/**
 * The idempotent registration flow (`ensureRemoteStorage`): adopt an identical registration,
 * resume a registration job still running, else POST once and wait for the job. Safe to re-run
 * after a crash or a timeout, and on arrays without a job list. See docs/vendors/hitachi.md.
 */
import { ConflictError, isDrplaneError, TransientError, VendorError } from "../../core/errors";
import { poll } from "../../core/poll";
import { createOnce } from "../../core/retry";
import { HitachiClient, type HitachiSession } from "./client";
import { isTransientHitachiError } from "./errors";
import type { HitachiJob } from "./jobs";
import {
  discoverStorageSystem,
  findInFlightRegistration,
  findRegistration,
  isJobListUnavailable,
  postRemoteStorage,
  type RegisterBody,
  type RemoteStorageInfo,
} from "./remote-storage";

export interface RemoteStorageSpec {
  local: HitachiClient;
  remote: HitachiClient;
  /** Omit to discover it from the remote REST server. */
  remoteStorageDeviceId?: string;
  restServerIp: string;
  restServerPort: number;
  isMutualDiscovery: boolean;
  /** The whole operation's budget: session waits, the job and the read-back. */
  timeoutMs: number;
  /** Seconds the server may hold a job reply (0 = plain polling). */
  longPollSeconds?: number;
  onProgress?: (message: string) => void;
  /** The caller expects the registration to exist (an update): finding it is not news. */
  expectExisting?: boolean;
  /** A registration job an earlier run started and recorded (e.g. on a timeout): resumed by id. */
  resumeJobId?: string;
}

export interface Identity {
  localApiVersion: string;
  remoteApiVersion: string;
  localStorageDeviceId: string;
  remoteStorageDeviceId: string;
}

export interface RemoteStorageResult extends Identity {
  registration: RemoteStorageInfo;
  /** True when an existing, matching registration was adopted instead of created. */
  adopted: boolean;
  jobId?: string;
}

/** Resolves both storage device ids and checks both API versions. */
export async function resolveIdentity(
  spec: Pick<RemoteStorageSpec, "local" | "remote" | "remoteStorageDeviceId">,
): Promise<Identity> {
  const [localApiVersion, remoteApiVersion, localSystem, remoteId] = await Promise.all([
    spec.local.apiVersion(),
    spec.remote.apiVersion(),
    discoverStorageSystem(spec.local),
    spec.remoteStorageDeviceId ?? discoverStorageSystem(spec.remote).then((s) => s.storageDeviceId),
  ]);
  return {
    localApiVersion,
    remoteApiVersion,
    localStorageDeviceId: localSystem.storageDeviceId,
    remoteStorageDeviceId: remoteId,
  };
}

function assertSameTarget(existing: RemoteStorageInfo, spec: RemoteStorageSpec): void {
  const diffs: string[] = [];
  if (existing.restServerIp !== undefined && existing.restServerIp !== spec.restServerIp)
    diffs.push(`restServerIp is ${existing.restServerIp} (declared ${spec.restServerIp})`);
  if (existing.restServerPort !== undefined && existing.restServerPort !== spec.restServerPort)
    diffs.push(`restServerPort is ${existing.restServerPort} (declared ${spec.restServerPort})`);
  if (diffs.length) {
    throw new ConflictError(
      `remote storage ${existing.storageDeviceId} is already registered differently: ${diffs.join("; ")}`,
      {
        meta: {
          vendor: "hitachi",
          operation: "registerRemoteStorage",
          remedy: "declare the registered values, or delete the registration on the array first",
        },
      },
    );
  }
}

/**
 * Registers the remote storage unless a matching registration exists (then it is adopted).
 * The remote session is the outer one: a local re-login (after a local 401) replays only the
 * inner part, and the remote session the array's job uses stays alive for the whole job.
 */
export async function ensureRemoteStorage(
  spec: RemoteStorageSpec,
  resolved?: Identity,
): Promise<RemoteStorageResult> {
  const identity = resolved ?? (await resolveIdentity(spec));
  const flow = new Registration(spec, identity);
  const opts = { deadline: flow.deadline, onProgress: spec.onProgress };
  return spec.remote.withSession(
    (remoteSession) =>
      spec.local.withSession(
        (session) =>
          flow.run(session, remoteSession).catch((err: unknown) => {
            flow.onFailure(err, remoteSession);
            throw err;
          }),
        opts,
      ),
    opts,
  );
}

/** State of one ensure run; survives replays of the session callbacks. */
class Registration {
  readonly deadline: number;
  private readonly remoteId: string;
  private readonly say: (message: string) => void;
  /** The registration job we wait for (ours, or one an earlier run started). */
  private pending: HitachiJob | undefined;
  /** `pending` was started by an earlier run (its remote session may be gone). */
  private resumed = false;
  /** This run posted (so a job found later is ours, and may need our remote session). */
  private posted = false;
  /** A POST may have reached the array without our seeing its job (reply lost). */
  private lostReply = false;
  private jobList: "unknown" | "available" | "unavailable" = "unknown";
  private triedResume = false;
  /** A job that failed in a way worth posting again; said when the post really happens. */
  private failed: { jobId: string; code: string } | undefined;

  constructor(
    private readonly spec: RemoteStorageSpec,
    private readonly identity: Identity,
  ) {
    this.deadline = spec.local.clock.now() + spec.timeoutMs;
    this.remoteId = identity.remoteStorageDeviceId;
    this.say = (message) => spec.onProgress?.(message);
  }

  private remaining(): number {
    return Math.max(0, this.deadline - this.spec.local.clock.now());
  }

  async run(session: HitachiSession, remoteSession: HitachiSession): Promise<RemoteStorageResult> {
    const { spec, identity, remoteId } = this;
    const keepAlive = () => spec.remote.keepAlive(remoteSession, this.say);
    if (!this.pending) {
      const existing = await this.lookup(session, keepAlive);
      if (existing) {
        assertSameTarget(existing, spec);
        if (!spec.expectExisting && !this.posted)
          this.say(`remote storage ${remoteId} is already registered; adopting it`);
        if (spec.resumeJobId !== undefined) await this.released(spec.resumeJobId);
        return { ...identity, registration: existing, adopted: !this.posted };
      }
    }
    const created = await createOnce<RemoteStorageInfo | HitachiJob>({
      clock: spec.local.clock,
      deadline: this.deadline,
      lookup: () => this.lookup(session, keepAlive),
      create: () => this.create(session, remoteSession, keepAlive),
    });
    const jobId = this.pending ? String(this.pending.jobId) : undefined;
    if (jobId) await this.released(jobId);
    const registration = "dkcType" in created ? created : await this.lookup(session, keepAlive);
    if (!registration) {
      throw new VendorError(`job ${jobId} succeeded but remote storage ${remoteId} is not listed`, {
        meta: { vendor: "hitachi", operation: "registerRemoteStorage", jobId },
      });
    }
    return { ...identity, registration, adopted: false, ...(jobId ? { jobId } : {}) };
  }

  /** The registration if it exists; else remembers a registration job still running. */
  private async lookup(
    session: HitachiSession,
    keepAlive: () => Promise<void>,
  ): Promise<RemoteStorageInfo | undefined> {
    const { spec, remoteId } = this;
    const found = await findRegistration(spec.local, session, remoteId);
    if (found || this.pending) return found;
    if (spec.resumeJobId !== undefined && !this.triedResume) {
      this.triedResume = true;
      const job = await spec.local.getJob(session, spec.resumeJobId).catch((err: unknown) => {
        if (isDrplaneError(err, "DRP_NOT_FOUND")) return undefined;
        throw err;
      });
      if (job && job.status !== "Completed") return this.resume(job);
    }
    if (this.jobList !== "unavailable") {
      try {
        const job = await findInFlightRegistration(spec.local, session, remoteId);
        this.jobList = "available";
        if (job) return this.resume(job);
      } catch (err) {
        if (!isJobListUnavailable(err)) throw err;
        this.jobList = "unavailable";
        const status = isDrplaneError(err) ? `HTTP ${err.meta.httpStatus}` : "unavailable";
        this.say(
          `the array does not list jobs (GET /v1/objects/jobs: ${status}); relying on the registration lookup`,
        );
      }
    }
    if (this.jobList === "unavailable" && this.lostReply)
      return this.awaitLostRegistration(session, keepAlive);
    return undefined;
  }

  private resume(job: HitachiJob): undefined {
    this.pending = job;
    this.resumed = !this.posted;
    this.lostReply = false;
    if (this.resumed) this.say(`resuming registration job ${job.jobId} started earlier`);
    else this.say(`found registration job ${job.jobId} after the lost reply; waiting for it`);
    return undefined;
  }

  /**
   * The reply to our POST was lost and the array lists no jobs: the job may be running. Wait
   * for the registration to appear (until the deadline) rather than post a second time.
   */
  private async awaitLostRegistration(
    session: HitachiSession,
    keepAlive: () => Promise<void>,
  ): Promise<RemoteStorageInfo> {
    const { spec, remoteId } = this;
    this.say(
      `the reply to the registration POST was lost; waiting up to ${Math.round(this.remaining() / 1000)} s for remote storage ${remoteId} to appear instead of posting again`,
    );
    const result = await poll<RemoteStorageInfo | undefined>({
      what: `registration of remote storage ${remoteId} (reply to the POST lost)`,
      describe: async () => {
        await keepAlive();
        return findRegistration(spec.local, session, remoteId);
      },
      classify: (found) =>
        found ? { status: "success" } : { status: "pending", state: "not registered yet" },
      timeoutMs: this.remaining(),
      clock: spec.local.clock,
      meta: { vendor: "hitachi", operation: "registerRemoteStorage" },
    });
    this.lostReply = false;
    return result.snapshot!;
  }

  private async create(
    session: HitachiSession,
    remoteSession: HitachiSession,
    keepAlive: () => Promise<void>,
  ): Promise<HitachiJob> {
    const { spec, remoteId } = this;
    if (!this.pending) {
      if (this.failed)
        this.say(`job ${this.failed.jobId} failed (${this.failed.code}); posting the registration again`);
      const body: RegisterBody = {
        storageDeviceId: remoteId,
        restServerIp: spec.restServerIp,
        restServerPort: spec.restServerPort,
        isMutualDiscovery: spec.isMutualDiscovery,
      };
      this.resumed = false;
      this.posted = true;
      try {
        this.pending = await postRemoteStorage(
          spec.local,
          session,
          remoteSession,
          body,
          spec.longPollSeconds ?? 0,
        );
      } catch (err) {
        // A network failure after sending may have created the job; an HTTP answer did not.
        if (isDrplaneError(err, "DRP_TRANSIENT") && err.meta.mayHaveReachedServer === true)
          this.lostReply = true;
        throw err;
      }
      this.failed = undefined;
      this.say(`registering remote storage ${remoteId}: job ${this.pending.jobId}`);
    }
    const job = this.pending;
    try {
      await spec.local.waitForJob(session, job, {
        what: `register remote storage ${remoteId}`,
        timeoutMs: this.remaining(),
        beforePoll: keepAlive,
        onState: (state, ms) => this.say(`job ${job.jobId}: ${state} after ${Math.round(ms / 1000)} s`),
      });
    } catch (err) {
      // A job that failed on a busy/lock condition created nothing: post again. So did an
      // earlier run's job that failed (e.g. its remote session expired).
      const failed = isDrplaneError(err, "DRP_JOB_FAILED");
      if (failed) await this.released(String(job.jobId));
      if (failed && (this.resumed || isTransientHitachiError({ messageId: err.meta.vendorCode }))) {
        this.failed = { jobId: String(job.jobId), code: err.meta.vendorCode ?? "no code" };
        this.pending = undefined;
        throw new TransientError(err.summary, { cause: err, meta: err.meta });
      }
      throw err;
    }
    return job;
  }

  /** A job has completed: a remote session an earlier run of this process left for it can go. */
  private released(jobId: string): Promise<void> {
    return HitachiClient.releaseLeftFor(this.spec.local.connection.endpoint, jobId);
  }

  /**
   * On a timeout while a job we posted may still run, our remote session is left for the array
   * to expire (logging it out would fail the job), and the error names the job to resume.
   */
  onFailure(err: unknown, remoteSession: HitachiSession): void {
    if (!isDrplaneError(err, "DRP_TIMEOUT") || !this.posted) return;
    if (!this.pending && !this.lostReply) return;
    const jobId = this.pending && !this.resumed ? String(this.pending.jobId) : undefined;
    this.spec.remote.abandon(
      remoteSession,
      jobId ? { localEndpoint: this.spec.local.connection.endpoint, jobId } : undefined,
    );
    if (jobId) err.meta.jobId ??= jobId;
    this.say(
      this.pending
        ? `job ${this.pending.jobId} is still running: its remote session is left for the array to expire, and the next run resumes the job`
        : `the registration may still be in progress: the remote session is left for the array to expire`,
    );
  }
}
