/**
 * oVirt / RHEV reads for the data functions (seed 002 §2.3–2.8, §2.22): data centers, clusters,
 * logical networks, hosts, the files of an ISO domain, a VM's disk sizes and statistics, and the
 * events after a given id. Also the lookup every operation module shares: an engine object by
 * id or by exact name (`search=name=…` is case-insensitive with `*` as a wildcard, so names are
 * compared again here, exactly). Both dialects; read-only; knows nothing about Pulumi.
 */
import { isDrplaneError, JobFailedError, NotFoundError } from "../../core/errors";
import type { OvirtClient } from "./client";
import {
  at,
  bool,
  bytesToGiB,
  bytesToMiB,
  date,
  isId,
  list,
  nested,
  num,
  obj,
  ref,
  str,
  type Wire,
} from "./codec";
import { statusOf } from "./dialect";

/** The collections this module looks objects up in: path → the singular key of its items. */
export const COLLECTIONS = {
  datacenters: "data_center",
  clusters: "cluster",
  networks: "network",
  hosts: "host",
  storagedomains: "storage_domain",
  vms: "vm",
} as const;
export type Collection = keyof typeof COLLECTIONS;

const WHAT: Record<Collection, string> = {
  datacenters: "data center",
  clusters: "cluster",
  networks: "logical network",
  hosts: "host",
  storagedomains: "storage domain",
  vms: "VM",
};

/** `name="x"`, quotes and backslashes escaped (as Ansible writes it). */
function nameTerm(name: string): string {
  return `name="${name.replace(/(["\\])/g, "\\$1")}"`;
}

/** Every item of a collection of exactly this name (search, then an exact, case-sensitive compare). */
export async function findAllByName(
  client: OvirtClient,
  collection: Collection,
  name: string,
): Promise<Wire[]> {
  const res = await client.request({
    method: "GET",
    path: `/${collection}`,
    query: { search: nameTerm(name), case_sensitive: "true" },
    operation: `find${WHAT[collection].replace(/(^| )(\w)/g, (_m, _s, c: string) => c.toUpperCase())}`,
    idempotent: true,
  });
  return list(res.body, COLLECTIONS[collection]).filter((item) => str(item.name) === name);
}

/**
 * An object by id (an input that looks like a GUID) or by exact name; undefined when neither
 * finds it. A GUID-shaped input that is no object's id is also tried as a name.
 */
export async function findByNameOrId(
  client: OvirtClient,
  collection: Collection,
  nameOrId: string,
): Promise<Wire | undefined> {
  if (isId(nameOrId)) {
    const byId = obj(
      await client.getOrUndefined(`/${collection}/${nameOrId}`, `get${COLLECTIONS[collection]}`),
    );
    if (byId) return byId;
  }
  const byName = (await findAllByName(client, collection, nameOrId))[0];
  if (byName || !isId(nameOrId)) return byName;
  // An engine (or a proxy) without the entity's own GET: the listing still holds it.
  return (await getList(client, `/${collection}`, COLLECTIONS[collection], `list${collection}`)).find(
    (item) => str(item.id) === nameOrId,
  );
}

/** Like findByNameOrId, but a missing object is a NotFoundError naming it and what declared it. */
export async function requireByNameOrId(
  client: OvirtClient,
  collection: Collection,
  nameOrId: string,
  declaredAs?: string,
): Promise<Wire> {
  const found = await findByNameOrId(client, collection, nameOrId);
  if (found) return found;
  throw new NotFoundError(
    `oVirt: no ${WHAT[collection]} "${nameOrId}"${declaredAs ? ` (${declaredAs})` : ""} on ${client.origin}`,
    {
      meta: {
        vendor: "ovirt",
        operation: `find ${WHAT[collection]}`,
        remedy: `check the name (exact, case-sensitive) or use the ${WHAT[collection]}'s id`,
      },
    },
  );
}

/** "4.4" from `{major, minor}`. */
function versionText(v: unknown): string | undefined {
  const major = str(at(v, "major"));
  const minor = str(at(v, "minor"));
  return major === undefined ? undefined : minor === undefined ? major : `${major}.${minor}`;
}

// ---- data centers, clusters, networks (seed 2.3–2.5) ------------------------------------------

export interface DataCenterInfo {
  id: string;
  name: string;
  description?: string;
  /** up | uninitialized | maintenance | not_operational | problematic … */
  status?: string;
  /** Shared (false) or local storage (true). */
  local?: boolean;
  /** Compatibility version, e.g. "4.4". */
  version?: string;
}

export function dataCenterOf(w: Wire): DataCenterInfo {
  return {
    id: str(w.id) ?? "",
    name: str(w.name) ?? "",
    ...opt("description", str(w.description)),
    ...opt("status", statusOf(w)),
    ...opt("local", bool(w.local)),
    ...opt("version", versionText(w.version)),
  };
}

/** GET /datacenters (seed 2.3). */
export async function listDataCenters(client: OvirtClient): Promise<DataCenterInfo[]> {
  return (await getList(client, "/datacenters", "data_center", "listDataCenters")).map(dataCenterOf);
}

export interface ClusterInfo {
  id: string;
  name: string;
  dataCenterId?: string;
  cpuType?: string;
  version?: string;
}

export function clusterOf(w: Wire): ClusterInfo {
  return {
    id: str(w.id) ?? "",
    name: str(w.name) ?? "",
    ...opt("dataCenterId", ref(w.data_center).id),
    ...opt("cpuType", str(at(w, "cpu", "type")) ?? str(at(w, "cpu", "id"))),
    ...opt("version", versionText(w.version)),
  };
}

/** GET /clusters (seed 2.4). */
export async function listClusters(client: OvirtClient): Promise<ClusterInfo[]> {
  return (await getList(client, "/clusters", "cluster", "listClusters")).map(clusterOf);
}

export interface NetworkInfo {
  id: string;
  name: string;
  description?: string;
  dataCenterId?: string;
  /** Carries VM traffic (`usages` holds "vm"); undefined when the engine does not say. */
  vmNetwork?: boolean;
}

export function networkOf(w: Wire): NetworkInfo {
  const usages = at(w, "usages", "usage");
  const usageList = Array.isArray(usages)
    ? usages.map(str)
    : usages === undefined
      ? undefined
      : [str(usages)];
  return {
    id: str(w.id) ?? "",
    name: str(w.name) ?? "",
    ...opt("description", str(w.description)),
    ...opt("dataCenterId", ref(w.data_center).id),
    ...opt("vmNetwork", usageList ? usageList.includes("vm") : undefined),
  };
}

/** GET /networks (seed 2.5). */
export async function listNetworks(client: OvirtClient): Promise<NetworkInfo[]> {
  return (await getList(client, "/networks", "network", "listNetworks")).map(networkOf);
}

// ---- hosts (seed 2.6) --------------------------------------------------------------------------

export interface HostRecord {
  id: string;
  name: string;
  /** up | pending_approval | installing | install_failed | maintenance | non_operational … */
  status: string;
  /** The cluster's id. */
  cluster?: string;
  address?: string;
}

export function hostRecordOf(w: Wire): HostRecord {
  return {
    id: str(w.id) ?? "",
    name: str(w.name) ?? "",
    status: statusOf(w) ?? "unknown",
    ...opt("cluster", ref(w.cluster).id),
    ...opt("address", str(w.address)),
  };
}

/** GET /hosts (seed 2.6). */
export async function listHosts(client: OvirtClient): Promise<HostRecord[]> {
  return (await getList(client, "/hosts", "host", "listHosts")).map(hostRecordOf);
}

// ---- ISO files (seed 2.7) ----------------------------------------------------------------------

export interface IsoFile {
  /** The id a VM's CD-ROM takes (the engine uses the file name as its id). */
  id: string;
  name: string;
}

/** GET /storagedomains/{id}/files of an ISO domain given by name or id (seed 2.7). */
export async function listIsoFiles(client: OvirtClient, isoDomain: string): Promise<IsoFile[]> {
  const domain = await requireByNameOrId(client, "storagedomains", isoDomain, "isoDomain");
  const id = str(domain.id) ?? "";
  const files = await getList(client, `/storagedomains/${id}/files`, "file", "listIsoFiles");
  return files
    .map((f) => ({ id: str(f.id) ?? str(f.name) ?? "", name: str(f.name) ?? str(f.id) ?? "" }))
    .filter((f) => f.id !== "");
}

// ---- a VM's size and statistics (seed 2.8) ------------------------------------------------------

export interface VmDiskSize {
  id: string;
  name: string;
  /** The virtual size (v3 `size` on RHEV 3.6, `provisioned_size` on both). */
  provisionedGiB?: number;
  /** Space used on storage. */
  actualGiB?: number;
}

export interface VmStatistic {
  name: string;
  value: number;
  unit?: string;
}

export interface VmStatistics {
  id: string;
  name: string;
  status: string;
  memoryMiB?: number;
  disks: VmDiskSize[];
  /** Sum of the disks' provisioned sizes (what seed 2.8 prints, in GiB). */
  totalProvisionedGiB: number;
  totalActualGiB: number;
  /** GET /vms/{id}/statistics: memory.installed, cpu.current.guest … (empty when the engine has none). */
  statistics: VmStatistic[];
}

/** A VM (name or id): its disks' sizes and its statistics (seed 2.8). */
export async function vmStatistics(client: OvirtClient, vm: string): Promise<VmStatistics> {
  const v = await requireByNameOrId(client, "vms", vm, "vm");
  const id = str(v.id) ?? "";
  const adapter = await client.adapter();
  const diskList = await client.request({
    method: "GET",
    path: adapter.disksPath(id),
    operation: "listVmDisks",
    idempotent: true,
  });
  const disks: VmDiskSize[] = [];
  for (const { disk } of adapter.vmDisks(diskList.body)) {
    const diskId = str(disk.id) ?? "";
    // v4 attachments reference the disk by id; its sizes are on /disks/{id}.
    const full =
      disk.provisioned_size === undefined && disk.size === undefined && diskId
        ? (obj(await client.getOrUndefined(`/disks/${diskId}`, "getDisk")) ?? disk)
        : disk;
    disks.push({
      id: diskId,
      name: str(full.alias) ?? str(full.name) ?? diskId,
      ...opt("provisionedGiB", bytesToGiB(num(full.provisioned_size) ?? num(full.size))),
      ...opt("actualGiB", bytesToGiB(num(full.actual_size))),
    });
  }
  const stats = await client.getOrUndefined(`/vms/${id}/statistics`, "listVmStatistics");
  const statistics = list(stats, "statistic").flatMap((s): VmStatistic[] => {
    const value = num(at(nested(s, "values", "value")[0], "datum"));
    const name = str(s.name);
    return name !== undefined && value !== undefined ? [{ name, value, ...opt("unit", str(s.unit)) }] : [];
  });
  const sum = (f: (d: VmDiskSize) => number | undefined) => disks.reduce((t, d) => t + (f(d) ?? 0), 0);
  return {
    id,
    name: str(v.name) ?? "",
    status: statusOf(v) ?? "unknown",
    ...opt("memoryMiB", bytesToMiB(num(v.memory))),
    disks,
    totalProvisionedGiB: sum((d) => d.provisionedGiB),
    totalActualGiB: sum((d) => d.actualGiB),
    statistics,
  };
}

// ---- events (seed 2.22) ------------------------------------------------------------------------

export interface OvirtEvent {
  id: number;
  code?: number;
  /** normal | warning | error | alert */
  severity?: string;
  description: string;
  /** ISO-8601. */
  time?: string;
  correlationId?: string;
  vmId?: string;
  hostId?: string;
  storageDomainId?: string;
  dataCenterId?: string;
  clusterId?: string;
}

export function eventOf(w: Wire): OvirtEvent | undefined {
  const id = num(w.id);
  if (id === undefined) return undefined;
  const t = date(w.time);
  return {
    id,
    ...opt("code", num(w.code)),
    ...opt("severity", str(w.severity)),
    description: str(w.description) ?? "",
    ...opt("time", t === undefined ? undefined : new Date(t).toISOString()),
    ...opt("correlationId", str(w.correlation_id)),
    ...opt("vmId", ref(w.vm).id),
    ...opt("hostId", ref(w.host).id),
    ...opt("storageDomainId", ref(w.storage_domain).id),
    ...opt("dataCenterId", ref(w.data_center).id),
    ...opt("clusterId", ref(w.cluster).id),
  };
}

/** The engine's page of events (seed 2.22: a list returns at most 100 records per page). */
export const EVENTS_PAGE = 100;
/** Pages read at most for one call (1 000 events). */
const EVENT_PAGES = 10;

/**
 * Events, oldest first. With `sinceId`: the first `max` events after it (so a caller can go on
 * from the last id without a gap); without: the newest `max`. Pages through the list as seed
 * 2.22 does (`search=page N`), sending the engine's `from` (events after an index) and stopping
 * at a short page or at the first event at or below `sinceId`, so an engine that ignores `from`
 * still answers correctly (UNCONFIRMED for RHEV 3.6). The page size is the `max` query parameter
 * in v4 and a matrix parameter in v3 (reference §1.14, §2).
 */
export async function eventsSince(
  client: OvirtClient,
  sinceId?: number,
  max = EVENTS_PAGE,
): Promise<OvirtEvent[]> {
  const dialect = await client.dialect();
  const seen = new Map<number, OvirtEvent>();
  for (let page = 1; page <= EVENT_PAGES; page++) {
    const query: Record<string, string> = { search: `page ${page}` };
    if (sinceId !== undefined) query.from = String(sinceId);
    if (dialect === "v4") query.max = String(EVENTS_PAGE);
    const res = await client.request({
      method: "GET",
      path: dialect === "v4" ? "/events" : `/events;max=${EVENTS_PAGE}`,
      query,
      operation: "listEvents",
      idempotent: true,
    });
    const items = list(res.body, "event")
      .map(eventOf)
      .filter((e): e is OvirtEvent => e !== undefined);
    for (const e of items) seen.set(e.id, e);
    if (items.length < EVENTS_PAGE) break;
    if (sinceId === undefined ? seen.size >= max : items.some((e) => e.id <= sinceId)) break;
  }
  const events = [...seen.values()]
    .filter((e) => sinceId === undefined || e.id > sinceId)
    .sort((a, b) => a.id - b.id);
  return sinceId === undefined ? events.slice(-max) : events.slice(0, max);
}

/** The events an operation left under its Correlation-Id (for failure messages); [] on any error. */
export async function eventsOfCorrelation(
  client: OvirtClient,
  correlationId: string,
  sinceId?: number,
): Promise<OvirtEvent[]> {
  try {
    return (await eventsSince(client, sinceId)).filter((e) => e.correlationId === correlationId);
  } catch {
    return [];
  }
}

/**
 * A failed operation's error with the engine's events for its Correlation-Id appended: the
 * engine says there why a disk went illegal, a start fell back to down or an install failed.
 * Other errors, and a failure without events, are returned unchanged.
 */
export async function withEngineEvents(
  client: OvirtClient,
  err: unknown,
  correlationId: string,
): Promise<unknown> {
  if (!isDrplaneError(err, "DRP_JOB_FAILED")) return err;
  const events = await eventsOfCorrelation(client, correlationId);
  if (!events.length) return err;
  // The engine's warnings and errors say why; its normal events only when there are none.
  const telling = events.filter((e) => e.severity !== undefined && e.severity !== "normal");
  const quoted = (telling.length ? telling : events)
    .map((e) => `${e.severity ?? ""} ${e.description}`.trim())
    .join("; ");
  return new JobFailedError(`${err.summary}; engine events: ${quoted}`, { cause: err.cause, meta: err.meta });
}

/** `withEngineEvents` for the Correlation-Id the error itself carries (meta.vendorDetail). */
export async function quoteEngineEvents(client: OvirtClient, err: unknown): Promise<unknown> {
  const id = isDrplaneError(err) ? err.meta.vendorDetail?.correlationId : undefined;
  return id ? withEngineEvents(client, err, id) : err;
}

// ---- helpers -----------------------------------------------------------------------------------

async function getList(client: OvirtClient, path: string, key: string, operation: string): Promise<Wire[]> {
  const res = await client.request({ method: "GET", path, operation, idempotent: true });
  return list(res.body, key);
}

/** `{ key: value }` when the value is defined, else `{}` (outputs carry no undefined keys). */
export function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
