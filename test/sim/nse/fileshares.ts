/**
 * File shares (reference A5): `GET /v2.1/fileshares` (filters fileserver_id, name, subtenant_id,
 * tenant_id), `GET /v2.1/fileshares/{id}`, `POST` (202, the job's object_id is the new share's id
 * at once; the share appears when the job succeeds), `PUT /{id}` (202; replaces the mutable
 * object, arrays whole), `DELETE /{id}` (202; 404 once the job succeeded). Snapshots and tags
 * are in snapshots.ts.
 */
import { acceptedAnswer, badRequest, listAnswer, notFound, oneAnswer, precondition } from "./envelope";
import { renderJob } from "./jobs";
import type { FileShareRecord, Json } from "./models";
import { nameMatcher, page, paging } from "./query";
import type { Ctx, NseRouter } from "./router";
import type { NseState } from "./state";
import * as v from "./validate";

export const SHARE_TYPE = "ontap_fileshares";

/** Fields PUT may not change (not in the docs' update body: replace-on-change, inferred). */
const IMMUTABLE = ["share_path", "fileserver_id", "security_style", "subtenant_id"] as const;

const SCHEDULE_NAMES: Record<string, string> = {
  hourly_schedule: "hourly",
  daily_schedule: "daily",
  weekly_schedule: "weekly",
  monthly_schedule: "monthly",
};

export function renderShare(state: NseState, s: FileShareRecord): Json {
  const fs = state.fileServers.get(s.fileserver_id);
  const sub = state.subtenants.get(s.subtenant_id);
  const ip = fs?.ip_addr ?? "";
  const nfs = s.protocol.toLowerCase() !== "cifs";
  const cifs = s.protocol.toLowerCase() !== "nfs";
  let snapshotPolicy: Json | undefined;
  if (s.snapshot_policy) {
    snapshotPolicy = structuredClone(s.snapshot_policy);
    for (const [k, name] of Object.entries(SCHEDULE_NAMES)) {
      const sched = snapshotPolicy[k];
      if (sched && typeof sched === "object")
        (sched as Json)["job_schedule_name"] = `${name}-${s.id.slice(-6)}`;
    }
  }
  return {
    id: s.id,
    name: s.name,
    share_path: s.share_path,
    fileserver_id: s.fileserver_id,
    fileserver_name: fs?.name ?? "",
    fileserver_ip: ip,
    tenant_id: s.tenant_id,
    subtenant_id: s.subtenant_id,
    subtenant: sub?.name ?? "",
    zone: fs?.zone ?? "",
    size_gb: s.size_gb,
    service_level: s.service_level,
    protocol: s.protocol,
    security_style: s.security_style,
    state: s.state,
    nfs_endpoint: nfs ? `${ip}:/${s.share_path.replace(/^\/+/, "")}` : "",
    cifs_endpoint: cifs ? `\\\\${ip}\\${s.share_path.replace(/^\/+/, "")}` : "",
    snapshot_policy: snapshotPolicy ?? { enabled: false },
    backup_policy: structuredClone(s.backup_policy ?? { enabled: false }),
    export_policy: structuredClone(s.export_policy),
    dr_enabled: s.dr_enabled,
    dr_available: fs?.dr_available ?? false,
    snapshots: structuredClone(s.snapshots),
    backups: [],
    tags: structuredClone(s.tags),
  };
}

/** The share if visible to GET (not mid-create with shareVisibility "on-success"). */
export function visibleShare(state: NseState, id: string): FileShareRecord {
  const s = state.shares.get(id);
  if (!s) throw notFound(`File share '${id}'`);
  return s;
}

/** A write on a share while another job on it runs → 412 (**invented**). */
export function requireIdle(state: NseState, id: string): void {
  const job = state.busy(id);
  if (job)
    throw precondition(`Another operation (job ${job.id}, ${job.action}) is in progress on this file share.`);
}

/** The job's task: request_payload names the back-end with its password (seed 003's samples do). */
export function ontapTask(state: NseState, action: string, payload: Json, resourceType = "ontap_fileshare") {
  return {
    action,
    driver: "ontap_ansible",
    resource_type: resourceType,
    request_payload: {
      ...payload,
      cluster_mgmt_url: "https://ontap-sim.example.invalid/api",
      cluster_username: "admin",
      cluster_password: state.backendPassword,
    },
  };
}

function shareTasks(state: NseState, action: string, s: { name: string; dr_enabled: boolean }) {
  const tasks = [ontapTask(state, action, { volume_name: s.name })];
  if (s.dr_enabled)
    tasks.push(ontapTask(state, action, { volume_name: s.name, snapmirror: true }, "ontap_snapmirror"));
  return tasks;
}

function mutable(state: NseState, body: Json, current?: FileShareRecord) {
  const name = v.str(body, "name", true);
  if (!v.NAME_RE.test(name))
    throw badRequest("name may hold letters, digits, '_' and '-' (1-64 characters).");
  return {
    name,
    size_gb: v.sizeGb(body, true)!,
    service_level: v.oneOf(body, "service_level", v.SERVICE_LEVELS, true)!,
    protocol: v.oneOf(body, "protocol", v.PROTOCOLS, true)!.toLowerCase(),
    snapshot_policy: v.policy(body, "snapshot_policy") ?? current?.snapshot_policy,
    backup_policy: v.policy(body, "backup_policy") ?? current?.backup_policy,
    export_policy: v.exportPolicy(body) ?? current?.export_policy ?? [],
    dr_enabled: v.bool(body, "dr_enabled") ?? current?.dr_enabled ?? false,
    tags: v.tags(body["tags"]) ?? current?.tags ?? [],
  };
}

function create(ctx: Ctx) {
  const { state } = ctx;
  const body = ctx.body();
  const m = mutable(state, body);
  const sharePath = v.str(body, "share_path", true);
  const fileserverId = v.str(body, "fileserver_id", true);
  const fs = state.fileServers.get(fileserverId);
  if (!fs) throw badRequest(`fileserver_id '${fileserverId}' does not exist.`);
  const subtenantId = v.str(body, "subtenant_id", false) ?? fs.subtenant_id;
  if (!state.subtenants.has(subtenantId)) throw badRequest(`subtenant_id '${subtenantId}' does not exist.`);
  if (subtenantId !== fs.subtenant_id)
    throw badRequest(`subtenant_id '${subtenantId}' is not the file server's subtenant.`);
  const securityStyle =
    v.oneOf(body, "security_style", v.SECURITY_STYLES, false)?.toLowerCase() ??
    (m.protocol === "cifs" ? "ntfs" : "unix");
  if (m.protocol === "nfs" && /\$$/.test(sharePath))
    throw badRequest("share_path may end in '$' only for CIFS.");
  for (const s of state.shares.values())
    if (s.fileserver_id === fileserverId && s.name === m.name)
      throw badRequest(`A file share named '${m.name}' already exists on file server '${fs.name}'.`);
  for (const s of state.pendingShares.values())
    if (s.fileserver_id === fileserverId && s.name === m.name && state.busy(s.id))
      throw badRequest(`A file share named '${m.name}' is being created on file server '${fs.name}'.`);
  const record: FileShareRecord = {
    id: state.newId(),
    ...m,
    share_path: sharePath,
    fileserver_id: fileserverId,
    tenant_id: fs.tenant_id,
    subtenant_id: subtenantId,
    security_style: securityStyle,
    snapshots: [],
    state: "Creating",
  };
  const atOnce = state.options.shareVisibility === "at-once";
  if (atOnce) state.shares.set(record.id, record);
  else state.pendingShares.set(record.id, record);
  const job = state.createJob({
    action: "create",
    objectId: record.id,
    objectType: SHARE_TYPE,
    objectName: record.name,
    what: `Creation of file share '${record.name}'`,
    user: ctx.user,
    tenantId: record.tenant_id,
    tasks: shareTasks(state, "create", record),
    lockId: record.id,
    effect: () => {
      state.pendingShares.delete(record.id);
      record.state = "Operational";
      state.shares.set(record.id, record);
    },
    onFailure: () => {
      state.pendingShares.delete(record.id);
      state.shares.delete(record.id);
    },
  });
  return acceptedAnswer(renderJob(state, job));
}

function update(ctx: Ctx) {
  const { state } = ctx;
  const id = ctx.req.params["id"]!;
  const share = visibleShare(state, id);
  const body = ctx.body();
  for (const key of IMMUTABLE)
    if (body[key] !== undefined && body[key] !== share[key])
      throw badRequest(`${key} cannot be changed (is '${String(share[key])}').`);
  const m = mutable(state, body, share);
  requireIdle(state, id);
  for (const s of state.shares.values())
    if (s.id !== id && s.fileserver_id === share.fileserver_id && s.name === m.name)
      throw badRequest(`A file share named '${m.name}' already exists on this file server.`);
  const job = state.createJob({
    action: "update",
    objectId: id,
    objectType: SHARE_TYPE,
    objectName: m.name,
    what: `Update of file share '${m.name}'`,
    user: ctx.user,
    tenantId: share.tenant_id,
    tasks: shareTasks(state, "update", m),
    lockId: id,
    effect: () => {
      const live = state.shares.get(id);
      if (live) Object.assign(live, structuredClone(m));
    },
  });
  return acceptedAnswer(renderJob(state, job));
}

function remove(ctx: Ctx) {
  const { state } = ctx;
  const id = ctx.req.params["id"]!;
  const share = visibleShare(state, id);
  requireIdle(state, id);
  const job = state.createJob({
    action: "delete",
    objectId: id,
    objectType: SHARE_TYPE,
    objectName: share.name,
    what: `Deletion of file share '${share.name}'`,
    user: ctx.user,
    tenantId: share.tenant_id,
    tasks: shareTasks(state, "delete", share),
    lockId: id,
    effect: () => void state.shares.delete(id),
  });
  return acceptedAnswer(renderJob(state, job));
}

export function installFileShareRoutes(router: NseRouter): void {
  router.add("GET", "/v2.1/fileshares", (ctx) => {
    const q = ctx.req.query;
    const p = paging(q, { sort_by: "name", order_by: "asc" }, ["name", "size_gb", "service_level", "id"]);
    const matchName = nameMatcher(q.get("name"));
    const items = [...ctx.state.shares.values()].filter(
      (s) =>
        matchName(s.name) &&
        (!q.get("fileserver_id") || s.fileserver_id === q.get("fileserver_id")) &&
        (!q.get("subtenant_id") || s.subtenant_id === q.get("subtenant_id")) &&
        (!q.get("tenant_id") || s.tenant_id === q.get("tenant_id")),
    );
    const { page: shares, total } = page(
      items,
      p,
      (s, attr) => (s as unknown as Json)[attr] as string | number,
    );
    return listAnswer(
      shares.map((s) => renderShare(ctx.state, s)),
      total,
      p,
    );
  });
  router.add("GET", "/v2.1/fileshares/:id", (ctx) =>
    oneAnswer(renderShare(ctx.state, visibleShare(ctx.state, ctx.req.params["id"]!))),
  );
  router.add("POST", "/v2.1/fileshares", create);
  router.add("PUT", "/v2.1/fileshares/:id", update);
  router.add("DELETE", "/v2.1/fileshares/:id", remove);
}
