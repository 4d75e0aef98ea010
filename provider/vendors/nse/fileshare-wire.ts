/**
 * NSE file share shapes (reference Part A5, from NetApp's 2020 file services page): the spec our
 * inputs give (camelCase) and the wire (snake_case) both ways. Create bodies take every field;
 * the PUT body only the mutable ones (`share_path`, `fileserver_id`, `security_style` and
 * `subtenant_id` are not in it: they replace). Arrays and tags are sent whole. Snapshot schedule
 * numbers are sent as numbers and read from numbers or strings (the docs show `hour` as a string
 * in `daily_schedule`). Tags travel as `[{key, value}]` (UNCONFIRMED: the docs show `tags[]` on
 * a GET without its items).
 */

export interface SnapshotSchedule {
  minute?: number;
  hour?: number;
  dayOfWeek?: number;
  dayOfMonth?: number;
  snapshotsToKeep: number;
}

export interface SnapshotPolicy {
  enabled: boolean;
  hourly?: SnapshotSchedule;
  daily?: SnapshotSchedule;
  weekly?: SnapshotSchedule;
  monthly?: SnapshotSchedule;
}

export interface ExportRule {
  clientMatch: string;
  access: "rw" | "ro" | "none";
  superuser?: boolean;
}

export interface FileShareSpec {
  name: string;
  sharePath: string;
  fileserverId: string;
  subtenantId?: string;
  sizeGb: number;
  serviceLevel: string;
  protocol: "nfs" | "cifs" | "multiprotocol";
  securityStyle?: "unix" | "ntfs";
  snapshotPolicy?: SnapshotPolicy;
  exportPolicy?: ExportRule[];
  drEnabled?: boolean;
  tags?: Record<string, string>;
}

export interface FileShareRecord extends FileShareSpec {
  id: string;
  state?: string;
  tenantId?: string;
  fileserverName?: string;
  nfsEndpoint?: string;
  cifsEndpoint?: string;
  zone?: string;
  drAvailable?: boolean;
  snapshots: Array<{ name: string; created?: string }>;
}

type Json = Record<string, unknown>;

const SCHEDULES = [
  ["hourly", "hourly_schedule"],
  ["daily", "daily_schedule"],
  ["weekly", "weekly_schedule"],
  ["monthly", "monthly_schedule"],
] as const;

function obj(v: unknown): Json | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
}
function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}
function num(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}
function bool(v: unknown): boolean | undefined {
  if (typeof v === "boolean") return v;
  if (v === "true" || v === "false") return v === "true";
  return undefined;
}
function defined(o: Json): Json {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

function scheduleToWire(s: SnapshotSchedule): Json {
  return defined({
    minute: s.minute,
    hour: s.hour,
    day_of_week: s.dayOfWeek,
    day_of_month: s.dayOfMonth,
    snapshots_to_keep: s.snapshotsToKeep,
  });
}

function scheduleFromWire(raw: unknown): SnapshotSchedule | undefined {
  const s = obj(raw);
  if (!s) return undefined;
  const out: SnapshotSchedule = { snapshotsToKeep: num(s.snapshots_to_keep) ?? 0 };
  const minute = num(s.minute);
  const hour = num(s.hour);
  const dow = num(s.day_of_week);
  const dom = num(s.day_of_month);
  if (minute !== undefined) out.minute = minute;
  if (hour !== undefined) out.hour = hour;
  if (dow !== undefined) out.dayOfWeek = dow;
  if (dom !== undefined) out.dayOfMonth = dom;
  return out;
}

export function snapshotPolicyToWire(p: SnapshotPolicy): Json {
  const out: Json = { enabled: p.enabled };
  for (const [ours, wire] of SCHEDULES) {
    const s = p[ours];
    if (s) out[wire] = scheduleToWire(s);
  }
  return out;
}

export function snapshotPolicyFromWire(raw: unknown): SnapshotPolicy | undefined {
  const p = obj(raw);
  if (!p) return undefined;
  const out: SnapshotPolicy = { enabled: bool(p.enabled) ?? false };
  for (const [ours, wire] of SCHEDULES) {
    const s = scheduleFromWire(p[wire]);
    if (s) out[ours] = s;
  }
  return out;
}

export function tagsToWire(tags: Record<string, string>): Array<{ key: string; value: string }> {
  return Object.entries(tags).map(([key, value]) => ({ key, value }));
}

/** `[{key, value}]` (or `[{name, value}]`, or an object) → a map. */
export function tagsFromWire(raw: unknown): Record<string, string> | undefined {
  if (Array.isArray(raw)) {
    const out: Record<string, string> = {};
    for (const t of raw) {
      const o = obj(t);
      const key = str(o?.key) ?? str(o?.name);
      if (key !== undefined) out[key] = str(o?.value) ?? "";
    }
    return out;
  }
  const o = obj(raw);
  if (!o) return undefined;
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, str(v) ?? ""]));
}

/** The fields PUT /v2.1/fileshares/{id} takes (the whole mutable object; arrays whole). */
export function mutableToWire(spec: FileShareSpec): Json {
  return defined({
    name: spec.name,
    size_gb: spec.sizeGb,
    service_level: spec.serviceLevel,
    protocol: spec.protocol,
    snapshot_policy: spec.snapshotPolicy ? snapshotPolicyToWire(spec.snapshotPolicy) : undefined,
    export_policy: spec.exportPolicy?.map((r) =>
      defined({ client_match: r.clientMatch, access: r.access, superuser: r.superuser }),
    ),
    dr_enabled: spec.drEnabled,
    tags: spec.tags ? tagsToWire(spec.tags) : undefined,
  });
}

/** The POST /v2.1/fileshares body: the mutable object plus the create-only fields. */
export function createToWire(spec: FileShareSpec): Json {
  return defined({
    ...mutableToWire(spec),
    share_path: spec.sharePath,
    fileserver_id: spec.fileserverId,
    subtenant_id: spec.subtenantId,
    security_style: spec.securityStyle,
  });
}

/** A file share record from `GET /v2.1/fileshares[/{id}]`; undefined when it has no id. */
export function fileShareFromWire(raw: unknown): FileShareRecord | undefined {
  const r = obj(raw);
  const id = str(r?.id);
  if (!r || !id) return undefined;
  const rec: FileShareRecord = {
    id,
    name: str(r.name) ?? "",
    sharePath: str(r.share_path) ?? "",
    fileserverId: str(r.fileserver_id) ?? "",
    sizeGb: num(r.size_gb) ?? 0,
    serviceLevel: str(r.service_level) ?? "",
    protocol: (str(r.protocol)?.toLowerCase() ?? "nfs") as FileShareSpec["protocol"],
    snapshots: (Array.isArray(r.snapshots) ? r.snapshots : [])
      .map((s) => (typeof s === "string" ? { name: s } : obj(s)))
      .filter((s): s is Json => s !== undefined && str(s.name) !== undefined)
      .map(
        (s) => defined({ name: str(s.name), created: str(s.created) }) as { name: string; created?: string },
      ),
  };
  const securityStyle = str(r.security_style)?.toLowerCase();
  if (securityStyle === "unix" || securityStyle === "ntfs") rec.securityStyle = securityStyle;
  const policy = snapshotPolicyFromWire(r.snapshot_policy);
  if (policy) rec.snapshotPolicy = policy;
  if (Array.isArray(r.export_policy)) {
    rec.exportPolicy = r.export_policy
      .map(obj)
      .filter((e): e is Json => e !== undefined)
      .map((e) => {
        const rule: ExportRule = {
          clientMatch: str(e.client_match) ?? "",
          access: (str(e.access) ?? "none") as ExportRule["access"],
        };
        const su = bool(e.superuser);
        if (su !== undefined) rule.superuser = su;
        return rule;
      });
  }
  const tags = tagsFromWire(r.tags);
  if (tags) rec.tags = tags;
  const optional: Array<[keyof FileShareRecord, unknown]> = [
    ["subtenantId", str(r.subtenant_id)],
    ["drEnabled", bool(r.dr_enabled)],
    ["state", str(r.state)],
    ["tenantId", str(r.tenant_id)],
    ["fileserverName", str(r.fileserver_name)],
    ["nfsEndpoint", str(r.nfs_endpoint)],
    ["cifsEndpoint", str(r.cifs_endpoint)],
    ["zone", str(r.zone)],
    ["drAvailable", bool(r.dr_available)],
  ];
  for (const [k, v] of optional) if (v !== undefined) (rec as unknown as Json)[k] = v;
  return rec;
}
