/**
 * Records the NSE simulator keeps: tenancy, users, file servers, file shares (snake_case as on
 * the wire, reference A5), jobs and their tasks (seed 003), and injected job outcomes.
 */
import type { NseInjectedStatus, NsePhase } from "./modes";

export type Json = Record<string, unknown>;

export interface TenantRecord {
  id: string;
  name: string;
  code: string;
}

export interface SubtenantRecord {
  id: string;
  name: string;
  tenantId: string;
}

export interface UserRecord {
  id: string;
  username: string;
  password: string;
  tenancies: Array<{ id: string; name: string; code: string; role: "admin" | "user" }>;
}

export interface FileServerRecord {
  id: string;
  name: string;
  tenant_id: string;
  subtenant_id: string;
  zone: string;
  ip_addr: string;
  dr_available: boolean;
}

export interface ExportRule {
  client_match: string;
  access: string;
  superuser: boolean;
}

/** The mutable object (what PUT replaces) plus the create-only fields. */
export interface FileShareRecord {
  id: string;
  name: string;
  share_path: string;
  fileserver_id: string;
  tenant_id: string;
  subtenant_id: string;
  size_gb: number;
  service_level: string;
  protocol: string;
  security_style: string;
  snapshot_policy?: Json;
  backup_policy?: Json;
  export_policy: ExportRule[];
  dr_enabled: boolean;
  tags: Array<{ key: string; value: string }>;
  snapshots: Array<{ name: string; created: string }>;
  /** "Operational", or "Creating" while the create job runs (shareVisibility "at-once"). */
  state: string;
}

export interface TaskRecord {
  id: string;
  action: string;
  driver: string;
  resource_type: string;
  /** Task outcome once the job ends; "failed" tasks carry last_error. */
  outcome: "successful" | "failed";
  last_error: string;
  request_payload: Json;
}

/** What a job does to the state when it ends well (or partially, see JobOutcome). */
export type JobEffect = () => void;

export interface JobOutcome {
  status: "successful" | NseInjectedStatus;
  /** Replaces the job's status_detail. */
  statusDetail?: string;
  /** The job's last_error (failures; default: the first task error). */
  lastError?: string;
  /** last_error of the tasks, last task first; more errors than tasks add tasks. */
  taskErrors?: string[];
  /** Whether the job's effect happens (default: successful/warning/partial_failures yes, failed no). */
  applyEffect?: boolean;
  /** The job never leaves `running`. */
  hang?: boolean;
}

export interface JobRecord {
  id: string;
  action: "create" | "update" | "delete";
  object_id: string;
  object_type: string;
  object_name: string;
  user_id: string;
  tenant_id: string;
  job_summary: string;
  /** Words for status_detail: "Creation of file share 'x'". */
  what: string;
  createdAt: number;
  startAt: number;
  doneAt: number;
  outcome: JobOutcome;
  tasks: TaskRecord[];
  effect: JobEffect;
  /** Runs instead of the effect when the job ends without it (undo a reservation). */
  onFailure?: JobEffect;
  /** Set once the terminal state was reached (effect applied if due). */
  finishedAt?: number;
  /** Ids of share writes block each other: the share id this job holds. */
  lockId?: string;
}

export interface OutcomeRule extends JobOutcome {
  /** Only jobs with this action / object_type take the rule. */
  action?: JobRecord["action"];
  objectType?: string;
}

export type { NsePhase };
