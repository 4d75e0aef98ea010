/**
 * NseState: everything one simulated NSE holds (tenancy, users, file servers, file shares,
 * jobs), the id generator, and the job clock: a job is `pending` for jobPendingMs, `running`
 * for jobRunMs, then ends as its outcome says; its effect (the share appearing, changing,
 * going) happens once, when it ends. `settle()` runs before every request and control.
 */
import { systemClock, type Clock } from "../../../provider/core/clock";
import { TokenStore } from "./auth";
import {
  DEFAULT_BACKEND_PASSWORD,
  DEFAULT_TIMINGS,
  DEFAULT_TOKEN_LIFETIME_MS,
  DEFAULT_USERS,
  STATUS_WORDS,
  type NsePhase,
  type NseSimOptions,
  type NseTimings,
} from "./modes";
import type {
  FileServerRecord,
  FileShareRecord,
  JobOutcome,
  JobRecord,
  OutcomeRule,
  SubtenantRecord,
  TaskRecord,
  TenantRecord,
  UserRecord,
} from "./models";

/** Seeded tenancy and file servers (**invented** names; ids in the docs' 24-hex form). */
export const SEED = {
  tenantId: "5e85225af038943eb4b70001",
  subtenantId: "5e85225af038943eb4b70002",
  otherSubtenantId: "5e85225af038943eb4b70003",
  fileServerId: "5e85225af038943eb4b70010",
  otherFileServerId: "5e85225af038943eb4b70011",
  emptyFileServerId: "5e85225af038943eb4b70012",
} as const;

export class NseState {
  readonly clock: Clock;
  readonly basePath: string;
  readonly timings: NseTimings;
  readonly options: NseSimOptions;
  readonly words: Record<NsePhase, string>;
  readonly backendPassword: string;
  readonly tenants = new Map<string, TenantRecord>();
  readonly subtenants = new Map<string, SubtenantRecord>();
  readonly users = new Map<string, UserRecord>();
  readonly fileServers = new Map<string, FileServerRecord>();
  readonly shares = new Map<string, FileShareRecord>();
  /** Shares whose create job has not succeeded yet (shareVisibility "on-success"). */
  readonly pendingShares = new Map<string, FileShareRecord>();
  readonly jobs = new Map<string, JobRecord>();
  readonly auth: TokenStore;
  readonly outcomeRules: OutcomeRule[] = [];
  hangAll = false;
  private counter = 0;

  constructor(options: NseSimOptions = {}) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.basePath = (options.basePath ?? "/api").replace(/\/+$/, "");
    this.timings = { ...DEFAULT_TIMINGS, ...options.timings };
    this.words = { ...STATUS_WORDS[options.statusVocabulary ?? "examples"] };
    if (options.runningStatus) this.words.running = options.runningStatus;
    this.backendPassword = options.backendPassword ?? DEFAULT_BACKEND_PASSWORD;
    this.seed(options.users ?? DEFAULT_USERS);
    this.auth = new TokenStore(this.clock, this.users, options.tokenLifetimeMs ?? DEFAULT_TOKEN_LIFETIME_MS);
  }

  now(): number {
    return this.clock.now();
  }

  /** A 24-hex id like the docs' Mongo ObjectIds. */
  newId(): string {
    this.counter += 1;
    return `5f00aa00${this.counter.toString(16).padStart(16, "0")}`;
  }

  private seed(users: Record<string, string>): void {
    const t: TenantRecord = { id: SEED.tenantId, name: "Sim Tenant", code: "simt" };
    this.tenants.set(t.id, t);
    this.subtenants.set(SEED.subtenantId, { id: SEED.subtenantId, name: "sim-sub-a", tenantId: t.id });
    this.subtenants.set(SEED.otherSubtenantId, {
      id: SEED.otherSubtenantId,
      name: "sim-sub-b",
      tenantId: t.id,
    });
    let n = 0;
    for (const [username, password] of Object.entries(users)) {
      const id = `5e85225af038943eb4b746${(0x84 + n++).toString(16).padStart(2, "0")}`;
      const tenancies = [{ id: t.id, name: t.name, code: t.code, role: "admin" as const }];
      this.users.set(username, { id, username, password, tenancies });
    }
    const fs = (id: string, name: string, subtenant: string, ip: string): void =>
      void this.fileServers.set(id, {
        id,
        name,
        tenant_id: t.id,
        subtenant_id: subtenant,
        zone: "zone-a",
        ip_addr: ip,
        dr_available: true,
      });
    fs(SEED.fileServerId, "fs-sim-01", SEED.subtenantId, "192.0.2.10");
    fs(SEED.otherFileServerId, "fs-sim-02", SEED.otherSubtenantId, "192.0.2.11");
    fs(SEED.emptyFileServerId, "fs-sim-empty", SEED.subtenantId, "192.0.2.12");
  }

  // ---- jobs ---------------------------------------------------------------------------------

  /** Creates a job: pending now, running after jobPendingMs, ending jobRunMs later. */
  createJob(spec: {
    action: JobRecord["action"];
    objectId: string;
    objectType: string;
    objectName: string;
    what: string;
    user: UserRecord;
    tenantId: string;
    tasks: Array<Omit<TaskRecord, "id" | "outcome" | "last_error">>;
    effect: () => void;
    onFailure?: () => void;
    lockId?: string;
  }): JobRecord {
    const now = this.now();
    const outcome = this.takeOutcome(spec.action, spec.objectType);
    const job: JobRecord = {
      id: this.newId(),
      action: spec.action,
      object_id: spec.objectId,
      object_type: spec.objectType,
      object_name: spec.objectName,
      user_id: spec.user.id,
      tenant_id: spec.tenantId,
      job_summary: `${spec.action[0]!.toUpperCase()}${spec.action.slice(1)} request is successfully submitted`,
      what: spec.what,
      createdAt: now,
      startAt: now + this.timings.jobPendingMs,
      doneAt: now + this.timings.jobPendingMs + this.timings.jobRunMs,
      outcome,
      tasks: spec.tasks.map((t) => ({ ...t, id: this.newId(), outcome: "successful", last_error: "" })),
      effect: spec.effect,
      onFailure: spec.onFailure,
      lockId: spec.lockId,
    };
    applyTaskErrors(job, outcome, () => this.newId());
    this.jobs.set(job.id, job);
    return job;
  }

  private takeOutcome(action: string, objectType: string): JobOutcome {
    const i = this.outcomeRules.findIndex(
      (r) => (!r.action || r.action === action) && (!r.objectType || r.objectType === objectType),
    );
    const rule = i >= 0 ? this.outcomeRules.splice(i, 1)[0]! : undefined;
    const outcome: JobOutcome = rule ? { ...rule } : { status: "successful" };
    if (this.hangAll) outcome.hang = true;
    return outcome;
  }

  /** The job's phase now (settle first). */
  phase(job: JobRecord): NsePhase {
    if (job.finishedAt !== undefined) return job.outcome.status;
    return this.now() < job.startAt ? "pending" : "running";
  }

  /** A job on this object still in progress (blocks another write: 412). */
  busy(lockId: string): JobRecord | undefined {
    for (const job of this.jobs.values())
      if (job.lockId === lockId && job.finishedAt === undefined) return job;
    return undefined;
  }

  /** Ends every due job in doneAt order, applying effects once. */
  settle(): void {
    const now = this.now();
    const due = [...this.jobs.values()]
      .filter((j) => j.finishedAt === undefined && !j.outcome.hang && j.doneAt <= now)
      .sort((a, b) => a.doneAt - b.doneAt);
    for (const job of due) {
      job.finishedAt = job.doneAt;
      const apply = job.outcome.applyEffect ?? job.outcome.status !== "failed";
      if (apply) job.effect();
      else job.onFailure?.();
    }
  }

  /** Ends a hanging (or not yet due) job now with its outcome (or a new one). */
  finishJob(id: string, outcome?: JobOutcome): void {
    const job = this.jobs.get(id);
    if (!job || job.finishedAt !== undefined) throw new Error(`no unfinished job ${id}`);
    if (outcome) {
      job.outcome = { ...outcome, hang: false };
      applyTaskErrors(job, job.outcome, () => this.newId());
    } else job.outcome.hang = false;
    job.startAt = Math.min(job.startAt, this.now());
    job.doneAt = this.now();
    this.settle();
  }

  shareByName(fileserverId: string, name: string): FileShareRecord | undefined {
    for (const s of this.shares.values()) if (s.fileserver_id === fileserverId && s.name === name) return s;
    return undefined;
  }
}

/** Marks tasks failed for an injected outcome (last task first); extra errors add tasks. */
function applyTaskErrors(job: JobRecord, outcome: JobOutcome, newId: () => string): void {
  for (const t of job.tasks) {
    t.outcome = "successful";
    t.last_error = "";
  }
  if (outcome.status === "successful" || outcome.status === "warning") return;
  const errors = outcome.taskErrors?.length
    ? outcome.taskErrors
    : [outcome.lastError ?? "Worker task failed."];
  const template = job.tasks[job.tasks.length - 1];
  while (job.tasks.length < errors.length + (outcome.status === "partial_failures" ? 1 : 0) && template)
    job.tasks.unshift({ ...structuredClone(template), id: newId() });
  errors.forEach((error, k) => {
    const task = job.tasks[job.tasks.length - 1 - k];
    if (task) {
      task.outcome = "failed";
      task.last_error = error;
    }
  });
}
