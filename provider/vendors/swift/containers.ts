/**
 * Containers: read the live state (HEAD), create with a storage policy, converge metadata,
 * ACLs, versioning and quotas (one POST that sets what is declared and removes what is not),
 * and delete, optionally emptying the container first, including the SLO segments its
 * manifests reference (which usually live in another container).
 */
import { ConflictError, isDrplaneError } from "../../core/errors";
import { deletePaths, listObjects } from "./bulk";
import { isNotFound, metaFromHeaders, sameMetadata, type SwiftClient, type SwiftInfo } from "./client";

export type VersioningMode = "history" | "stack";

/** What a container should look like. Omitted fields are "none" (removed when present). */
export interface ContainerSpec {
  name: string;
  /** Immutable after creation; the cluster default when omitted. */
  storagePolicy?: string;
  metadata?: Record<string, string>;
  readAcl?: string;
  writeAcl?: string;
  /** X-History-Location ("history") or X-Versions-Location ("stack"). */
  versioning?: { location: string; mode: VersioningMode };
  quota?: { bytes?: number; count?: number };
}

export interface ContainerState extends ContainerSpec {
  storagePolicy: string;
  metadata: Record<string, string>;
  objectCount: number;
  bytesUsed: number;
}

/**
 * Container metadata keys that are not plain metadata: quotas have their own input, and the
 * temp-URL keys are secrets that must never be read into state or removed by us.
 */
export const RESERVED_CONTAINER_META = ["quota-bytes", "quota-count", "temp-url-key", "temp-url-key-2"];

/** HEAD of the container; undefined when it does not exist. */
export async function readContainer(client: SwiftClient, name: string): Promise<ContainerState | undefined> {
  let headers: Record<string, string>;
  try {
    headers = (
      await client.request({ method: "HEAD", container: name, operation: "headContainer", idempotent: true })
    ).headers;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const meta = metaFromHeaders(headers, "container");
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) if (!RESERVED_CONTAINER_META.includes(k)) metadata[k] = v;
  const history = headers["x-history-location"];
  const versions = headers["x-versions-location"];
  const quotaBytes = meta["quota-bytes"];
  const quotaCount = meta["quota-count"];
  return {
    name,
    storagePolicy: headers["x-storage-policy"] ?? "",
    metadata,
    ...(headers["x-container-read"] ? { readAcl: headers["x-container-read"] } : {}),
    ...(headers["x-container-write"] ? { writeAcl: headers["x-container-write"] } : {}),
    ...(history
      ? { versioning: { location: decodeURIComponent(history), mode: "history" as const } }
      : versions
        ? { versioning: { location: decodeURIComponent(versions), mode: "stack" as const } }
        : {}),
    ...(quotaBytes !== undefined || quotaCount !== undefined
      ? {
          quota: {
            ...(quotaBytes !== undefined ? { bytes: Number(quotaBytes) } : {}),
            ...(quotaCount !== undefined ? { count: Number(quotaCount) } : {}),
          },
        }
      : {}),
    objectCount: Number(headers["x-container-object-count"] ?? 0),
    bytesUsed: Number(headers["x-container-bytes-used"] ?? 0),
  };
}

/** The headers that take `live` to `spec` (everything, for a create). */
export function containerHeaders(spec: ContainerSpec, live?: ContainerState): Record<string, string> {
  const h: Record<string, string> = {};
  const want = new Set(Object.keys(spec.metadata ?? {}).map((k) => k.toLowerCase()));
  for (const [k, v] of Object.entries(spec.metadata ?? {})) h[`x-container-meta-${k}`] = v;
  for (const k of Object.keys(live?.metadata ?? {}))
    if (!want.has(k.toLowerCase())) h[`x-remove-container-meta-${k}`] = "x";
  const acl = (header: string, want: string | undefined, has: string | undefined) => {
    if (want !== undefined) h[`x-container-${header}`] = want;
    else if (has !== undefined) h[`x-remove-container-${header}`] = "x";
  };
  acl("read", spec.readAcl, live?.readAcl);
  acl("write", spec.writeAcl, live?.writeAcl);
  const header = (mode: VersioningMode) => (mode === "history" ? "history-location" : "versions-location");
  if (spec.versioning) h[`x-${header(spec.versioning.mode)}`] = spec.versioning.location;
  if (live?.versioning && live.versioning.mode !== spec.versioning?.mode)
    h[`x-remove-${header(live.versioning.mode)}`] = "x";
  for (const key of ["bytes", "count"] as const) {
    const want = spec.quota?.[key];
    if (want !== undefined) h[`x-container-meta-quota-${key}`] = String(want);
    else if (live?.quota?.[key] !== undefined) h[`x-remove-container-meta-quota-${key}`] = "x";
  }
  return h;
}

/** True when the live container already matches the spec (policy aside). */
export function containerMatches(spec: ContainerSpec, live: ContainerState): boolean {
  return (
    sameMetadata(spec.metadata, live.metadata) &&
    spec.readAcl === live.readAcl &&
    spec.writeAcl === live.writeAcl &&
    spec.versioning?.mode === live.versioning?.mode &&
    spec.versioning?.location === live.versioning?.location &&
    spec.quota?.bytes === live.quota?.bytes &&
    spec.quota?.count === live.quota?.count
  );
}

/** Policy names are case-insensitive and may be aliases of the live (canonical) name. */
export function samePolicy(want: string | undefined, live: string, info?: SwiftInfo): boolean {
  if (want === undefined) return true;
  const policy = info?.policies.find((p) => p.name.toLowerCase() === live.toLowerCase());
  const names = [live, ...(policy?.aliases ?? [])].map((n) => n.toLowerCase());
  return names.includes(want.toLowerCase());
}

export interface EnsureContainerResult {
  state: ContainerState;
  created: boolean;
  adopted: boolean;
}

/**
 * Creates the container, or adopts an existing one when `adopt` is set or when it already
 * matches the spec; then converges it. A different storage policy is a conflict (immutable).
 */
export async function ensureContainer(
  client: SwiftClient,
  spec: ContainerSpec,
  opts: { adopt?: boolean; onProgress?: (message: string) => void } = {},
): Promise<EnsureContainerResult> {
  const live = await readContainer(client, spec.name);
  if (live) {
    if (!samePolicy(spec.storagePolicy, live.storagePolicy, await client.info())) {
      throw new ConflictError(
        `container ${spec.name} already exists with storage policy ${live.storagePolicy} (declared ${spec.storagePolicy})`,
        {
          meta: {
            vendor: "swift",
            operation: "createContainer",
            property: "storagePolicy",
            remedy: "a storage policy cannot change: declare the existing one, or use another container name",
          },
        },
      );
    }
    if (!opts.adopt && !containerMatches(spec, live)) {
      throw new ConflictError(
        `container ${spec.name} already exists (${live.objectCount} objects) with other settings`,
        {
          meta: {
            vendor: "swift",
            operation: "createContainer",
            property: "name",
            remedy:
              "set adopt: true to manage the existing container (its settings are then converged), or choose another name",
          },
        },
      );
    }
    opts.onProgress?.(`container ${spec.name} already exists; adopting it`);
    const state = containerMatches(spec, live) ? live : await updateContainer(client, spec, live);
    return { state, created: false, adopted: true };
  }
  const headers = containerHeaders(spec);
  if (spec.storagePolicy) headers["x-storage-policy"] = spec.storagePolicy;
  await client.request({
    method: "PUT",
    container: spec.name,
    headers,
    operation: "createContainer",
    idempotent: true,
  });
  const state = await readContainer(client, spec.name);
  if (!state) throw new ConflictError(`container ${spec.name} vanished right after it was created`);
  return { state, created: true, adopted: false };
}

/** Converges metadata, ACLs, versioning and quotas with one POST. */
export async function updateContainer(
  client: SwiftClient,
  spec: ContainerSpec,
  live?: ContainerState,
): Promise<ContainerState> {
  const current = live ?? (await readContainer(client, spec.name));
  if (!current) {
    throw new ConflictError(`container ${spec.name} does not exist`, {
      meta: {
        vendor: "swift",
        operation: "updateContainer",
        remedy: "run pulumi refresh, then pulumi up to re-create it",
      },
    });
  }
  const headers = containerHeaders(spec, current);
  if (Object.keys(headers).length > 0)
    await client.request({
      method: "POST",
      container: spec.name,
      headers,
      operation: "updateContainer",
      idempotent: true,
    });
  const state = await readContainer(client, spec.name);
  if (!state) throw new ConflictError(`container ${spec.name} was deleted while it was being updated`);
  return state;
}

/** Segment paths ("/container/object") referenced by the SLO manifest of an object. */
export async function manifestSegments(
  client: SwiftClient,
  container: string,
  object: string,
): Promise<string[]> {
  const res = await client.request<Array<{ name: string; sub_slo?: boolean }>>({
    method: "GET",
    container,
    object,
    query: { "multipart-manifest": "get" },
    operation: "getManifest",
    idempotent: true,
  });
  return Array.isArray(res.body) ? res.body.map((s) => s.name) : [];
}

export interface RemoveContainerResult {
  alreadyGone: boolean;
  objectsDeleted: number;
  segmentsDeleted: number;
}

/**
 * Deletes the container. With `forceDestroy` it first deletes every object and the segments
 * of every SLO manifest in it; without, a non-empty container is a clear ConflictError.
 */
export async function removeContainer(
  client: SwiftClient,
  name: string,
  opts: { forceDestroy?: boolean; onProgress?: (message: string) => void } = {},
): Promise<RemoveContainerResult> {
  const live = await readContainer(client, name);
  if (!live) return { alreadyGone: true, objectsDeleted: 0, segmentsDeleted: 0 };
  let objectsDeleted = 0;
  let segmentsDeleted = 0;
  if (opts.forceDestroy) {
    if (live.versioning) {
      // Deleting into a history container would archive every object (or fail with 412 when
      // that container is missing): versioning goes first; earlier versions stay where they are.
      opts.onProgress?.(`turning off versioning of ${name} before emptying it`);
      await client.request({
        method: "POST",
        container: name,
        headers: {
          [`x-remove-${live.versioning.mode === "history" ? "history" : "versions"}-location`]: "x",
        },
        operation: "updateContainer",
        idempotent: true,
      });
    }
    const entries = await listObjects(client, name);
    const segments: string[] = [];
    for (const e of entries) {
      if (e.slo_etag === undefined) continue;
      try {
        segments.push(...(await manifestSegments(client, name, e.name)));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    }
    // Segments of manifests in this same container are deleted as objects already.
    const inHere = new Set(entries.map((e) => `/${name}/${e.name}`));
    const external = [...new Set(segments)].filter((p) => !inHere.has(p));
    if (entries.length + external.length > 0)
      opts.onProgress?.(
        `emptying container ${name}: ${entries.length} objects, ${external.length} SLO segments elsewhere`,
      );
    const objects = await deletePaths(
      client,
      entries.map((e) => `/${name}/${e.name}`),
      `objects of container ${name}`,
    );
    const segs = await deletePaths(client, external, `SLO segments referenced from container ${name}`);
    objectsDeleted = objects.deleted;
    segmentsDeleted = segs.deleted;
  } else if (live.objectCount > 0) {
    throw notEmpty(name, live.objectCount);
  }
  // Listings lag deletes a little (container updates may be async): retry a 409 briefly.
  for (let attempt = 1; ; attempt++) {
    try {
      await client.request({
        method: "DELETE",
        container: name,
        operation: "deleteContainer",
        idempotent: true,
      });
      break;
    } catch (err) {
      if (isNotFound(err)) break;
      if (!isDrplaneError(err, "DRP_CONFLICT")) throw err;
      if (!opts.forceDestroy || attempt >= 20) {
        const now = await readContainer(client, name);
        throw notEmpty(name, now?.objectCount ?? live.objectCount, err);
      }
      await new Promise((r) => setTimeout(r, 250 * attempt));
    }
  }
  return { alreadyGone: false, objectsDeleted, segmentsDeleted };
}

function notEmpty(name: string, count: number, cause?: unknown): ConflictError {
  return new ConflictError(`container ${name} is not empty (${count} objects); it was not deleted`, {
    cause,
    meta: {
      vendor: "swift",
      operation: "deleteContainer",
      httpStatus: 409,
      property: "forceDestroy",
      remedy:
        "delete its objects first, or set forceDestroy: true to delete them (and the SLO segments they reference)",
    },
  });
}
