/**
 * NFS storage domains (seed 002 §2.10 data, §2.11 ISO): create on a host, attach to a data
 * center (§2.12, the domain then shows `maintenance`), activate (§2.13, `active`), each step
 * awaited on core/poll. A domain of exactly the declared name is adopted (nothing is created
 * twice), a conflicting one is refused naming the fields. Remove = maintenance (deactivate) →
 * detach → DELETE with the host (and `format`, off by default), each awaited until the engine
 * shows it done. An update holds the flow to the domain's id: a renamed domain gets its
 * declared name back (PUT), one declared in another data center is moved (maintenance →
 * detach → attach → activate). Reads see a domain that went to maintenance or was detached: an attached
 * domain's status is the one its data center shows. Both dialects; knows nothing about Pulumi.
 */
import { systemClock } from "../../core/clock";
import { ConflictError, isDrplaneError, NotFoundError } from "../../core/errors";
import { poll, type PollVerdict } from "../../core/poll";
import { createOnce } from "../../core/retry";
import { newCorrelationId, withCorrelationId, type OvirtClient } from "./client";
import { bytesToGiB, list, num, obj, ref, str, toWire, type Wire } from "./codec";
import { statusOf } from "./dialect";
import { findAllByName, opt, requireByNameOrId } from "./lists";

export interface StorageDomainSpec {
  name: string;
  type: "data" | "iso";
  /** The host (name or id) that creates the domain (seed 2.10 step 2). */
  host: string;
  /** NFS server address, e.g. 192.0.43.10. */
  address: string;
  /** Exported path, e.g. /storage/data. */
  path: string;
  /** Data center (name or id) to attach it to. */
  dataCenter: string;
  nfsVersion?: "v3" | "v4" | "auto";
}

export interface StorageDomainRecord {
  id: string;
  name: string;
  /** data | iso | export */
  type: string;
  /** active | maintenance | unattached | locked | activating | preparing_for_maintenance … */
  status: string;
  /** The id of the data center it is attached to; undefined when detached. */
  dataCenter?: string;
  address?: string;
  path?: string;
  /** nfs, iscsi … */
  storageType?: string;
  nfsVersion?: string;
  availableGiB?: number;
  usedGiB?: number;
}

/** Statuses in which an attached domain is still changing. */
const SETTLING = new Set(["locked", "activating", "preparing_for_maintenance", "detaching"]);

function recordOf(top: Wire, inDc: Wire | undefined, dcId: string | undefined): StorageDomainRecord {
  const storage = obj(top.storage) ?? {};
  const status = (inDc && statusOf(inDc)) ?? statusOf(top) ?? (dcId ? "unknown" : "unattached");
  return {
    id: str(top.id) ?? "",
    name: str(top.name) ?? "",
    type: str(top.type) ?? "unknown",
    status,
    ...opt("dataCenter", dcId),
    ...opt("address", str(storage.address)),
    ...opt("path", str(storage.path)),
    ...opt("storageType", str(storage.type)),
    ...opt("nfsVersion", str(storage.nfs_version)),
    ...opt("availableGiB", bytesToGiB(num(top.available))),
    ...opt("usedGiB", bytesToGiB(num(top.used))),
  };
}

/** The data centers a domain names: v4 `data_centers.data_center[]`, v3 also `data_center`. */
function dataCenterIdsOf(top: Wire): string[] {
  const ids = list(top.data_centers, "data_center").map((d) => ref(d).id);
  const single = ref(top.data_center).id;
  return [...new Set([...ids, single].filter((id): id is string => !!id))];
}

/**
 * A domain as the engine shows it now. An attached domain's status comes from its data center
 * (`/datacenters/{dc}/storagedomains/{id}`: v4 leaves it off the top-level object); a domain the
 * data center no longer lists reads as detached.
 */
async function readWire(client: OvirtClient, top: Wire): Promise<StorageDomainRecord> {
  const id = str(top.id) ?? "";
  for (const dcId of dataCenterIdsOf(top)) {
    const inDc = obj(
      await client.getOrUndefined(`/datacenters/${dcId}/storagedomains/${id}`, "getAttachedStorageDomain"),
    );
    if (inDc) return recordOf(top, inDc, dcId);
  }
  return recordOf(top, undefined, undefined);
}

/** GET /storagedomains/{id} (and its data center's view); undefined on 404. */
export async function readStorageDomain(
  client: OvirtClient,
  id: string,
): Promise<StorageDomainRecord | undefined> {
  const top = obj(await client.getOrUndefined(`/storagedomains/${id}`, "getStorageDomain"));
  return top ? readWire(client, top) : undefined;
}

/** The domain of exactly this name, or undefined. */
export async function findStorageDomainByName(
  client: OvirtClient,
  name: string,
): Promise<StorageDomainRecord | undefined> {
  const [top] = await findAllByName(client, "storagedomains", name);
  return top ? readWire(client, top) : undefined;
}

/** The fields of an existing domain that differ from the spec (adoption refuses them). */
export function storageDomainDifferences(rec: StorageDomainRecord, spec: StorageDomainSpec): string[] {
  const diffs: string[] = [];
  if (rec.type !== spec.type) diffs.push(`type is ${rec.type}, declared ${spec.type}`);
  if (rec.storageType && rec.storageType !== "nfs") diffs.push(`storage is ${rec.storageType}, declared nfs`);
  if (rec.address !== undefined && rec.address !== spec.address)
    diffs.push(`address is ${rec.address}, declared ${spec.address}`);
  if (rec.path !== undefined && normalPath(rec.path) !== normalPath(spec.path))
    diffs.push(`path is ${rec.path}, declared ${spec.path}`);
  return diffs;
}

function normalPath(p: string): string {
  return p.length > 1 ? p.replace(/\/+$/, "") : p;
}

/** Pure: a domain waited for after its create (seed 2.10): settled once it is no longer locked. */
export function classifyCreated(rec: StorageDomainRecord | undefined): PollVerdict {
  if (!rec) return { status: "pending", state: "not listed yet" };
  return rec.status === "locked"
    ? { status: "pending", state: rec.status }
    : { status: "success", state: rec.status };
}

/** Pure: waiting for an attach (seed 2.12: the domain ends in `maintenance`; some engines activate it at once). */
export function classifyAttached(rec: StorageDomainRecord | undefined, dcId: string): PollVerdict {
  if (!rec)
    return {
      status: "failure",
      state: "gone",
      message: "the storage domain disappeared while it was being attached",
    };
  if (rec.dataCenter !== dcId)
    return { status: "pending", state: rec.status === "unattached" ? "attaching" : rec.status };
  if (rec.status === "maintenance" || rec.status === "active")
    return { status: "success", state: rec.status };
  return { status: "pending", state: rec.status };
}

/** Pure: waiting for an activation (seed 2.13: `active`). */
export function classifyActive(rec: StorageDomainRecord | undefined): PollVerdict {
  if (!rec)
    return {
      status: "failure",
      state: "gone",
      message: "the storage domain disappeared while it was being activated",
    };
  if (rec.status === "active") return { status: "success", state: "active" };
  if (rec.status === "inactive" || rec.status === "unattached")
    return { status: "failure", state: rec.status, message: `the engine left the domain ${rec.status}` };
  return { status: "pending", state: rec.status };
}

/** Pure: waiting for maintenance after a deactivate. */
export function classifyMaintenance(rec: StorageDomainRecord | undefined): PollVerdict {
  if (!rec || !rec.dataCenter || rec.status === "maintenance")
    return { status: "success", state: rec?.status ?? "gone" };
  if (rec.status === "active")
    return { status: "pending", state: "active", message: "waiting for the engine to start deactivating" };
  return { status: "pending", state: rec.status };
}

/** Pure: waiting for a detach: the data center no longer lists the domain. */
export function classifyDetached(rec: StorageDomainRecord | undefined): PollVerdict {
  if (!rec || !rec.dataCenter) return { status: "success", state: rec ? rec.status : "gone" };
  return { status: "pending", state: rec.status === "maintenance" ? "detaching" : rec.status };
}

/** Pure: waiting for the DELETE to finish: 404. */
export function classifyRemoved(rec: StorageDomainRecord | undefined): PollVerdict {
  return rec
    ? { status: "pending", state: rec.status === "unattached" ? "removing" : rec.status }
    : { status: "success", state: "removed" };
}

/** Deadline bookkeeping: each step waits for what is left of the whole operation's time. */
function stepper(client: OvirtClient, timeoutMs: number) {
  const clock = client.clock ?? systemClock;
  const deadline = clock.now() + timeoutMs;
  return () => Math.max(1, deadline - clock.now());
}

async function waitFor(
  client: OvirtClient,
  id: string,
  what: string,
  classify: (rec: StorageDomainRecord | undefined) => PollVerdict,
  timeoutMs: number,
  onProgress: ((m: string) => void) | undefined,
  correlationId: string,
): Promise<StorageDomainRecord | undefined> {
  try {
    const r = await poll({
      what: `oVirt storage domain ${what}`,
      label: what,
      describe: () => readStorageDomain(client, id),
      classify,
      timeoutMs,
      clock: client.clock,
      onProgress,
      meta: { vendor: "ovirt", operation: what },
    });
    return r.snapshot;
  } catch (err) {
    throw withCorrelationId(err, correlationId);
  }
}

/**
 * Creates (or adopts by exact name), attaches and activates an NFS domain; each step waited
 * for. Safe to run again at any point: a domain already attached or active skips those steps.
 */
export async function ensureStorageDomain(opts: {
  client: OvirtClient;
  spec: StorageDomainSpec;
  timeoutMs: number;
  onProgress?: (message: string) => void;
  /** Take over a matching domain of this name (default true); false makes it a conflict. */
  adopt?: boolean;
  /**
   * The domain this resource holds (an update): it is read by id, renamed to the declared name
   * when its name differs, and moved (maintenance → detach) when it is attached to another
   * data center; a missing one is a NotFoundError.
   */
  expectId?: string;
  /**
   * Called once the domain is ours (created, or accepted for adoption), before attach and
   * activate: a later failure then leaves a domain the caller must record.
   */
  onIdentified?: (record: StorageDomainRecord, adopted: boolean) => void;
}): Promise<{ record: StorageDomainRecord; adopted: boolean; correlationId: string }> {
  const { client, spec } = opts;
  const say = opts.onProgress;
  const left = stepper(client, opts.timeoutMs);
  const correlationId = newCorrelationId("addStorageDomain");
  const dc = await requireByNameOrId(client, "datacenters", spec.dataCenter, "dataCenter");
  const dcId = str(dc.id) ?? "";
  const dcName = str(dc.name) ?? spec.dataCenter;

  let record = opts.expectId
    ? await heldDomain(client, opts.expectId, spec, say, correlationId)
    : await findStorageDomainByName(client, spec.name);
  let adopted = false;
  if (record) {
    const diffs = storageDomainDifferences(record, spec);
    if (opts.adopt === false || diffs.length > 0) {
      throw new ConflictError(
        `oVirt: a storage domain named "${spec.name}" already exists (id ${record.id}, ${record.status})` +
          (diffs.length ? `: ${diffs.join("; ")}` : ""),
        {
          meta: {
            vendor: "ovirt",
            operation: "addStorageDomain",
            remedy: diffs.length
              ? "declare the existing domain's type, address and path, or choose another name"
              : "set adopt: true to take it over, or choose another name",
          },
        },
      );
    }
    adopted = !opts.expectId;
    if (adopted) say?.(`storage domain ${spec.name} exists (${record.status}); adopting it`);
    opts.onIdentified?.(record, adopted);
  } else {
    const host = await requireByNameOrId(client, "hosts", spec.host, "host");
    say?.(
      `creating NFS ${spec.type} domain ${spec.name} (${spec.address}:${spec.path}) on host ${str(host.name) ?? spec.host}`,
    );
    const dialect = await client.dialect();
    const body = toWire({
      name: spec.name,
      type: spec.type,
      host: { id: str(host.id) },
      storage: {
        type: "nfs",
        address: spec.address,
        path: spec.path,
        ...(spec.nfsVersion && spec.nfsVersion !== "auto" ? { nfs_version: spec.nfsVersion } : {}),
      },
      // Seed 2.10 passes storage_format "v3" to RHEV 3.6; a v4 engine picks its own default.
      ...(dialect === "v3" ? { storage_format: "v3" } : {}),
    });
    const created = await createOnce<StorageDomainRecord | Wire>({
      clock: client.clock,
      create: async () =>
        obj(
          (
            await client.request({
              method: "POST",
              path: "/storagedomains",
              body,
              operation: "addStorageDomain",
              idempotent: false,
              correlationId,
              headers: { "x-ovirt-expect": "201-created" },
            })
          ).body,
        ) ?? {},
      lookup: () => findStorageDomainByName(client, spec.name),
    });
    const id = str((created as Wire).id) ?? "";
    if (!id) throw new NotFoundError(`oVirt: the engine answered the create of ${spec.name} without an id`);
    opts.onIdentified?.(recordOfCreated(created, spec), false);
    record = await waitFor(client, id, "create", classifyCreated, left(), say, correlationId);
    if (!record)
      throw new NotFoundError(`oVirt: storage domain ${spec.name} (${id}) disappeared after its create`);
  }

  const id = record.id;
  if (record.dataCenter && record.dataCenter !== dcId && opts.expectId) {
    say?.(`moving ${spec.name} out of its data center ${record.dataCenter}`);
    record = await leaveDataCenter(client, record, left, say, correlationId);
  }
  if (record.dataCenter && record.dataCenter !== dcId) {
    throw new ConflictError(
      `oVirt: storage domain ${spec.name} is attached to another data center (${record.dataCenter}), not ${dcName}`,
      {
        meta: {
          vendor: "ovirt",
          operation: "attachStorageDomain",
          remedy: "declare that data center, or put the domain in maintenance and detach it first",
        },
      },
    );
  }
  if (!record.dataCenter) {
    say?.(`attaching ${spec.name} to data center ${dcName}`);
    await createOnce<unknown>({
      clock: client.clock,
      create: () =>
        client.request({
          method: "POST",
          path: `/datacenters/${dcId}/storagedomains`,
          body: { id },
          operation: "attachStorageDomain",
          idempotent: false,
          correlationId,
        }),
      // A lost reply: the attach landed when the data center lists the domain.
      lookup: async () => ((await readStorageDomain(client, id))?.dataCenter === dcId ? record : undefined),
    });
  }
  record = await waitFor(client, id, "attach", (r) => classifyAttached(r, dcId), left(), say, correlationId);

  if (record?.status === "maintenance") {
    say?.(`activating ${spec.name} in data center ${dcName}`);
    await action(
      client,
      id,
      `/datacenters/${dcId}/storagedomains/${id}/activate`,
      "activateStorageDomain",
      correlationId,
      ["activating", "active"],
    );
  }
  record = await waitFor(client, id, "activate", classifyActive, left(), say, correlationId);
  return { record: record!, adopted, correlationId };
}

/**
 * An action POST (`{}` body) on an attached domain. Retried on transient refusals (409
 * "related operation in progress", 5xx): a repeat of an action that did land is refused with
 * a conflict, and a conflict while the domain already is on its way (`moving`) is success.
 */
async function action(
  client: OvirtClient,
  id: string,
  path: string,
  operation: string,
  correlationId: string,
  moving: readonly string[],
): Promise<void> {
  try {
    await client.request({ method: "POST", path, body: {}, operation, idempotent: true, correlationId });
  } catch (err) {
    if (!isDrplaneError(err, "DRP_CONFLICT")) throw err;
    const now = await readStorageDomain(client, id);
    if (now && moving.includes(now.status)) return;
    throw err;
  }
}

/**
 * Maintenance (deactivate) → detach → remove (with `host`, and `format` when asked), each
 * waited for. A domain that is already gone, or already in one of those states, skips ahead.
 */
export async function removeStorageDomain(opts: {
  client: OvirtClient;
  id: string;
  /** The data center (name or id) it was attached to; the domain's own reading wins. */
  dataCenter: string;
  /** Wipe the export's content (default false: the domain's data stays on the NFS share). */
  format?: boolean;
  /** The host (name or id) that performs the removal. */
  host: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<{ alreadyGone: boolean }> {
  const { client, id } = opts;
  const say = opts.onProgress;
  const left = stepper(client, opts.timeoutMs);
  const correlationId = newCorrelationId("removeStorageDomain");
  let rec = await readStorageDomain(client, id);
  if (!rec) return { alreadyGone: true };

  if (rec.dataCenter) {
    try {
      rec = await leaveDataCenter(client, rec, left, say, correlationId);
    } catch (err) {
      // Removed by someone else while we were taking it out of its data center.
      if (isDrplaneError(err, "DRP_NOT_FOUND") && !(await readStorageDomain(client, id)))
        return { alreadyGone: false };
      throw err;
    }
  }

  const host = await requireByNameOrId(client, "hosts", opts.host, "host");
  const hostName = str(host.name) ?? opts.host;
  say?.(`removing ${rec.name} through host ${hostName}${opts.format ? " (formatting its storage)" : ""}`);
  const dialect = await client.dialect();
  const format = opts.format ? "true" : "false";
  await client.request({
    method: "DELETE",
    path: `/storagedomains/${id}`,
    // v4: query parameters; v3 (RHEV 3.6): a StorageDomain body with host and format.
    ...(dialect === "v4"
      ? { query: { host: hostName, format } }
      : { body: { host: { name: hostName }, format } }),
    operation: "removeStorageDomain",
    idempotent: true,
    accept: [404],
    correlationId,
  });
  await waitFor(client, id, "remove", classifyRemoved, left(), say, correlationId);
  return { alreadyGone: false };
}

/** What a create's answer (a domain, or the lookup's record after a lost reply) says. */
function recordOfCreated(created: StorageDomainRecord | Wire, spec: StorageDomainSpec): StorageDomainRecord {
  const w = created as Wire;
  return {
    id: str(w.id) ?? "",
    name: str(w.name) ?? spec.name,
    type: str(w.type) ?? spec.type,
    status: typeof w.status === "string" ? w.status : (statusOf(w) ?? "unattached"),
    address: spec.address,
    path: spec.path,
  };
}

/** Maintenance (deactivate) → detach, each waited for; undefined when the domain went away meanwhile. */
async function leaveDataCenter(
  client: OvirtClient,
  start: StorageDomainRecord,
  left: () => number,
  say: ((m: string) => void) | undefined,
  correlationId: string,
): Promise<StorageDomainRecord> {
  const id = start.id;
  const dcId = start.dataCenter!;
  let rec: StorageDomainRecord | undefined = start;
  if (SETTLING.has(rec.status))
    rec = await waitFor(client, id, "settle", settled, left(), say, correlationId);
  if (rec?.dataCenter && rec.status !== "maintenance") {
    say?.(`putting ${rec.name} into maintenance`);
    await action(
      client,
      id,
      `/datacenters/${dcId}/storagedomains/${id}/deactivate`,
      "deactivateStorageDomain",
      correlationId,
      ["preparing_for_maintenance", "maintenance"],
    );
    rec = await waitFor(client, id, "maintenance", classifyMaintenance, left(), say, correlationId);
  }
  if (rec?.dataCenter) {
    say?.(`detaching ${rec.name} from its data center`);
    await client.request({
      method: "DELETE",
      path: `/datacenters/${dcId}/storagedomains/${id}`,
      operation: "detachStorageDomain",
      idempotent: true,
      accept: [404],
      correlationId,
    });
    rec = await waitFor(client, id, "detach", classifyDetached, left(), say, correlationId);
  }
  if (!rec) throw goneError(start.name, id);
  return rec;
}

/** The domain a resource holds, by id; renamed (PUT name) when the engine's name differs from the declared one. */
async function heldDomain(
  client: OvirtClient,
  id: string,
  spec: StorageDomainSpec,
  say: ((m: string) => void) | undefined,
  correlationId: string,
): Promise<StorageDomainRecord> {
  const rec = await readStorageDomain(client, id);
  if (!rec) throw goneError(spec.name, id);
  if (rec.name === spec.name) return rec;
  say?.(`renaming storage domain ${rec.name} to ${spec.name}`);
  await client.request({
    method: "PUT",
    path: `/storagedomains/${id}`,
    body: { name: spec.name },
    operation: "updateStorageDomain",
    idempotent: true,
    correlationId,
  });
  return (await readStorageDomain(client, id)) ?? { ...rec, name: spec.name };
}

function goneError(name: string, id: string): NotFoundError {
  return new NotFoundError(`oVirt: storage domain ${name} (${id}) no longer exists`, {
    meta: {
      vendor: "ovirt",
      operation: "updateStorageDomain",
      remedy:
        "run `pulumi refresh` (it drops the domain from the stack), then `pulumi up` to create it again",
    },
  });
}

function settled(rec: StorageDomainRecord | undefined): PollVerdict {
  return rec && SETTLING.has(rec.status)
    ? { status: "pending", state: rec.status }
    : { status: "success", state: rec?.status ?? "gone" };
}
