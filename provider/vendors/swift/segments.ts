/**
 * Where an SLO's segments live and how they are found again. Every upload writes under its
 * own version prefix
 *
 *   <segment container>/<base><mtime ms>/<size>/<segment size>/<nonce>/<index, 8 digits>
 *
 * where <base> is "<object>/slo/" (as the Swift CLI does), qualified with "<container>/"
 * when the segment container is not the default "<container>_segments" (it may then be
 * shared). The version prefix is never one the live manifest uses, so readers see the old
 * object until the manifest is swapped; a crashed upload is found again by its
 * mtime/size/segment-size, and anything under <base> that the live manifest does not use
 * is an orphan: one sweep deletes old versions after a swap, orphans after a delete.
 */
import { randomBytes } from "node:crypto";
import { deletePaths, listObjects, type ListingEntry } from "./bulk";
import { isNotFound, type SwiftClient } from "./client";
import { manifestSegments } from "./containers";
import { readObject, type ObjectState } from "./objects";

export const SEGMENTS_SUFFIX = "_segments";
const VERSION_RE = /^(\d+)\/(\d+)\/(\d+)\/([a-z0-9-]+)\/(\d{8})$/;

export function defaultSegmentContainer(container: string): string {
  return `${container}${SEGMENTS_SUFFIX}`;
}

export function segmentBase(container: string, object: string, segmentContainer: string): string {
  return segmentContainer === defaultSegmentContainer(container)
    ? `${object}/slo/`
    : `${container}/${object}/slo/`;
}

export function versionPrefix(
  base: string,
  mtimeMs: number,
  size: number,
  segmentSize: number,
  nonce: string,
): string {
  return `${base}${mtimeMs}/${size}/${segmentSize}/${nonce}/`;
}

export function newNonce(): string {
  return `${Date.now().toString(36)}-${randomBytes(3).toString("hex")}`;
}

export function segmentName(prefix: string, index: number): string {
  return `${prefix}${String(index).padStart(8, "0")}`;
}

export interface StoredSegment {
  name: string;
  index: number;
  bytes: number;
  hash: string;
}

export interface StoredVersion {
  /** Full version prefix (ends with "/"). */
  prefix: string;
  mtimeMs: number;
  size: number;
  segmentSize: number;
  nonce: string;
  segments: Map<number, StoredSegment>;
}

/** Everything stored under `base` in the segment container, grouped by version prefix. */
export async function storedVersions(
  client: SwiftClient,
  segmentContainer: string,
  base: string,
): Promise<{ versions: StoredVersion[]; entries: ListingEntry[] }> {
  let entries: ListingEntry[];
  try {
    entries = await listObjects(client, segmentContainer, { prefix: base });
  } catch (err) {
    if (isNotFound(err)) return { versions: [], entries: [] };
    throw err;
  }
  const byPrefix = new Map<string, StoredVersion>();
  const ours: ListingEntry[] = [];
  for (const e of entries) {
    const m = VERSION_RE.exec(e.name.slice(base.length));
    if (!m) continue;
    ours.push(e);
    const [, mtime, size, segSize, nonce, index] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const prefix = versionPrefix(base, Number(mtime), Number(size), Number(segSize), nonce);
    let v = byPrefix.get(prefix);
    if (!v) {
      v = {
        prefix,
        mtimeMs: Number(mtime),
        size: Number(size),
        segmentSize: Number(segSize),
        nonce,
        segments: new Map(),
      };
      byPrefix.set(prefix, v);
    }
    v.segments.set(Number(index), { name: e.name, index: Number(index), bytes: e.bytes, hash: e.hash });
  }
  return { versions: [...byPrefix.values()], entries: ours };
}

export interface LiveObject {
  state?: ObjectState;
  /** "/container/object" paths of the live manifest's segments ([] for a plain or missing object). */
  segments: string[];
  /** The version prefix the live manifest uses, when all its segments are under one of ours. */
  prefix?: string;
}

/** The object as it is now, and which of our segment versions its manifest uses. */
export async function liveObject(
  client: SwiftClient,
  container: string,
  object: string,
  segmentContainer: string,
  base: string,
): Promise<LiveObject> {
  const state = await readObject(client, container, object);
  if (!state?.staticLargeObject) return { ...(state ? { state } : {}), segments: [] };
  let segments: string[] = [];
  try {
    segments = await manifestSegments(client, container, object);
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const head = `/${segmentContainer}/${base}`;
  const prefixes = new Set(
    segments.map((p) => {
      if (!p.startsWith(head)) return "";
      const m = VERSION_RE.exec(p.slice(head.length));
      return m ? p.slice(`/${segmentContainer}/`.length, p.length - 8) : "";
    }),
  );
  const only = prefixes.size === 1 ? [...prefixes][0] : undefined;
  return { state, segments, ...(only ? { prefix: only } : {}) };
}

/**
 * Deletes our segments under `base`: every version, or every one but `keep` (after a manifest
 * swap). Returns how many were deleted. When the listing fails, `known` (an earlier listing)
 * stands in for it, so an upload that already swapped its manifest still cleans up.
 */
export async function sweepSegments(
  client: SwiftClient,
  segmentContainer: string,
  base: string,
  opts: { keep?: string; known?: StoredVersion[] } = {},
): Promise<number> {
  const listed = storedVersions(client, segmentContainer, base);
  const { versions } = opts.known ? await listed.catch(() => ({ versions: opts.known! })) : await listed;
  const paths = versions
    .filter((v) => v.prefix !== opts.keep)
    .flatMap((v) => [...v.segments.values()].map((s) => `/${segmentContainer}/${s.name}`));
  if (paths.length === 0) return 0;
  const what = `${opts.keep ? "old segments" : "segments"} under ${segmentContainer}/${base}`;
  return (await deletePaths(client, paths, what)).deleted;
}
