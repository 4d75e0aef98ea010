/**
 * The idempotent registration flow (`ensureRemoteStorage`). One decision, `decideRegistration`,
 * maps what the array shows (registered | a registration job in flight | nothing) to the step
 * to take (adopt | wait | post); the flow repeats look → decide → act until it adopts or reads
 * back a registration. The POST alone goes through `createOnce`. Safe to re-run after a crash
 * or a timeout, and on arrays without a job list. See docs/vendors/hitachi.md.
 */
import { ConflictError, isDrplaneError, VendorError } from "../../core/errors";
import { poll } from "../../core/poll";
import { backoffDelay, createOnce, RETRY_DEFAULTS } from "../../core/retry";
import { HitachiClient, type HitachiSession } from "./client";
import { isTransientHitachiError } from "./errors";
import { waitForHitachiJob, type HitachiJob } from "./jobs";
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

/** What the array shows about the registration, read by one look. */
export interface ArrayView {
  /** The registration, when the array lists it. */
  registration?: RemoteStorageInfo;
  /** A registration job not completed yet: ours, the one an earlier run recorded, or a listed one. */
  job?: HitachiJob;
  /** A POST of ours may have reached the array, and no job list can show its job (reply lost). */
  unseenPost?: boolean;
}

export type RegistrationStep =
  | { action: "adopt"; registration: RemoteStorageInfo }
  /** Wait for the job; without one, for the registration an unseen POST may create. */
  | { action: "wait"; job?: HitachiJob }
  | { action: "post" };

/**
 * The create flow's one decision. A listed registration is adopted (a job that made it is
 * over); a job in flight is waited for, never posted over; a POST that may have landed unseen
 * is waited out rather than repeated; only when the array shows nothing is the POST sent.
 */
export function decideRegistration(view: ArrayView): RegistrationStep {
  if (view.registration) return { action: "adopt", registration: view.registration };
  if (view.job) return { action: "wait", job: view.job };
  if (view.unseenPost) return { action: "wait" };
  return { action: "post" };
}

/** POSTs in one run, at most: a job that failed on a busy/lock condition is posted again until then. */
const MAX_POSTS = RETRY_DEFAULTS.maxAttempts;

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

/**
 * State of one ensure run; survives replays of the session callbacks (after a local 401 the
 * run starts over from a look, and the job it follows is still known).
 */
class Registration {
  readonly deadline: number;
  private readonly remoteId: string;
  private readonly say: (message: string) => void;
  /** The registration job followed: posted by this run (`ours`), or started earlier. */
  private tracked: { job: HitachiJob; ours: boolean } | undefined;
  /** POSTs this run sent (including ones answered with an error). */
  private posts = 0;
  /** A POST may have reached the array without our seeing its job (reply lost). */
  private unseenPost = false;
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
    const keepAlive = () => this.spec.remote.keepAlive(remoteSession, this.say);
    let step = decideRegistration(await this.look(session));
    for (;;) {
      switch (step.action) {
        case "adopt":
          return this.adopt(step.registration);
        case "post":
          step = await this.post(session, remoteSession);
          continue;
        case "wait":
          if (!step.job) return this.finish(await this.awaitUnseenPost(session, keepAlive));
          if (await this.waitFor(step.job, session, keepAlive)) return this.readBack(session);
          step = decideRegistration(await this.look(session));
      }
    }
  }

  /** One look at the array: the registration, else the job followed or one in flight. */
  private async look(session: HitachiSession): Promise<ArrayView> {
    const { spec, remoteId } = this;
    const registration = await findRegistration(spec.local, session, remoteId);
    if (registration) return { registration };
    if (this.tracked) return { job: this.tracked.job };
    const job = await this.findJobInFlight(session);
    if (job) {
      this.track(job, this.posts > 0);
      return { job };
    }
    return { unseenPost: this.unseenPost && this.jobList === "unavailable" };
  }

  /** The job an earlier run recorded (read by id, once), else a listed one, when there is a list. */
  private async findJobInFlight(session: HitachiSession): Promise<HitachiJob | undefined> {
    const { spec, remoteId } = this;
    if (spec.resumeJobId !== undefined && !this.triedResume) {
      this.triedResume = true;
      const job = await spec.local.getJob(session, spec.resumeJobId).catch((err: unknown) => {
        if (isDrplaneError(err, "DRP_NOT_FOUND")) return undefined;
        throw err;
      });
      if (job && job.status !== "Completed") return job;
    }
    if (this.jobList === "unavailable") return undefined;
    try {
      const job = await findInFlightRegistration(spec.local, session, remoteId);
      this.jobList = "available";
      return job;
    } catch (err) {
      if (!isJobListUnavailable(err)) throw err;
      this.jobList = "unavailable";
      const status = isDrplaneError(err) ? `HTTP ${err.meta.httpStatus}` : "unavailable";
      this.say(
        `the array does not list jobs (GET /v1/objects/jobs: ${status}); relying on the registration lookup`,
      );
      return undefined;
    }
  }

  private track(job: HitachiJob, ours: boolean): void {
    this.tracked = { job, ours };
    this.unseenPost = false;
    this.say(
      ours
        ? `found registration job ${job.jobId} after the lost reply; waiting for it`
        : `resuming registration job ${job.jobId} started earlier`,
    );
  }

  /**
   * Sends the registration. It is the only non-idempotent call, so it alone goes through
   * `createOnce`: before repeating a POST that failed, the array is looked at again, and
   * anything it shows (a registration, our job, a POST that may have landed) is the next step.
   */
  private post(session: HitachiSession, remoteSession: HitachiSession): Promise<RegistrationStep> {
    const { spec, remoteId } = this;
    return createOnce<RegistrationStep>({
      clock: spec.local.clock,
      deadline: this.deadline,
      lookup: async () => {
        const step = decideRegistration(await this.look(session));
        return step.action === "post" ? undefined : step;
      },
      create: async () => {
        if (this.failed)
          this.say(`job ${this.failed.jobId} failed (${this.failed.code}); posting the registration again`);
        const body: RegisterBody = {
          storageDeviceId: remoteId,
          restServerIp: spec.restServerIp,
          restServerPort: spec.restServerPort,
          isMutualDiscovery: spec.isMutualDiscovery,
        };
        this.posts++;
        let job: HitachiJob;
        try {
          job = await postRemoteStorage(spec.local, session, remoteSession, body, spec.longPollSeconds ?? 0);
        } catch (err) {
          // A network failure after sending may have created the job; an HTTP answer did not.
          if (isDrplaneError(err, "DRP_TRANSIENT") && err.meta.mayHaveReachedServer === true)
            this.unseenPost = true;
          throw err;
        }
        this.failed = undefined;
        this.tracked = { job, ours: true };
        this.say(`registering remote storage ${remoteId}: job ${job.jobId}`);
        return { action: "wait", job };
      },
    });
  }

  /**
   * Waits for the job followed. True when it succeeded; false when it failed in a way that
   * created nothing and is worth posting again (a busy/lock code, or an earlier run's job, e.g.
   * its remote session expired), a bounded number of times; any other failure is thrown.
   */
  private async waitFor(
    job: HitachiJob,
    session: HitachiSession,
    keepAlive: () => Promise<void>,
  ): Promise<boolean> {
    const { spec, remoteId } = this;
    const clock = spec.local.clock;
    try {
      await waitForHitachiJob(job, {
        what: `register remote storage ${remoteId}`,
        read: async () => {
          await keepAlive();
          return spec.local.getJob(session, job.jobId);
        },
        timeoutMs: this.remaining(),
        clock,
        onProgress: spec.onProgress,
      });
    } catch (err) {
      if (!isDrplaneError(err, "DRP_JOB_FAILED")) throw err;
      await this.released(String(job.jobId));
      const ours = this.tracked?.ours ?? true;
      this.tracked = undefined;
      if (ours && !isTransientHitachiError({ messageId: err.meta.vendorCode })) throw err;
      const delay = backoffDelay(this.posts, {});
      if (this.posts >= MAX_POSTS || clock.now() + delay > this.deadline) throw err;
      this.failed = { jobId: String(job.jobId), code: err.meta.vendorCode ?? "no code" };
      await clock.sleep(delay);
      return false;
    }
    await this.released(String(job.jobId));
    return true;
  }

  /**
   * The reply to our POST was lost and the array lists no jobs: the job may be running. Wait
   * for the registration to appear (until the deadline) rather than post a second time.
   */
  private async awaitUnseenPost(
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
      onProgress: spec.onProgress,
      meta: { vendor: "hitachi", operation: "registerRemoteStorage" },
    });
    this.unseenPost = false;
    return result.snapshot!;
  }

  /** The registration after the job succeeded: it must be listed now. */
  private async readBack(session: HitachiSession): Promise<RemoteStorageResult> {
    const registration = await findRegistration(this.spec.local, session, this.remoteId);
    if (!registration) {
      const jobId = this.tracked ? String(this.tracked.job.jobId) : undefined;
      throw new VendorError(`job ${jobId} succeeded but remote storage ${this.remoteId} is not listed`, {
        meta: { vendor: "hitachi", operation: "registerRemoteStorage", jobId },
      });
    }
    return this.finish(registration);
  }

  /** A listed registration: ours (posted or followed), or one that was there (adopted). */
  private async adopt(registration: RemoteStorageInfo): Promise<RemoteStorageResult> {
    assertSameTarget(registration, this.spec);
    const result = this.finish(registration);
    if (result.adopted && !this.spec.expectExisting)
      this.say(`remote storage ${this.remoteId} is already registered; adopting it`);
    if (this.spec.resumeJobId !== undefined) await this.released(this.spec.resumeJobId);
    if (result.jobId !== undefined) await this.released(result.jobId);
    return result;
  }

  private finish(registration: RemoteStorageInfo): RemoteStorageResult {
    const jobId = this.tracked ? String(this.tracked.job.jobId) : undefined;
    const adopted = this.posts === 0 && jobId === undefined;
    return { ...this.identity, registration, adopted, ...(jobId ? { jobId } : {}) };
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
    if (!isDrplaneError(err, "DRP_TIMEOUT") || this.posts === 0) return;
    if (!this.tracked && !this.unseenPost) return;
    const jobId = this.tracked?.ours ? String(this.tracked.job.jobId) : undefined;
    this.spec.remote.abandon(
      remoteSession,
      jobId ? { localEndpoint: this.spec.local.connection.endpoint, jobId } : undefined,
    );
    if (jobId) err.meta.jobId ??= jobId;
    this.say(
      this.tracked
        ? `job ${this.tracked.job.jobId} is still running: its remote session is left for the array to expire, and the next run resumes the job`
        : `the registration may still be in progress: the remote session is left for the array to expire`,
    );
  }
}
