/**
 * An SLO's manifest: the PUT that swaps a new version in (?multipart-manifest=put&heartbeat=on,
 * checked against the ETag we expect: Swift answers 202 and puts the real status in the body)
 * and the delete of manifest and segments (?multipart-manifest=delete, which answers 200
 * whatever happened: the body's Response Status and Errors tell).
 */
import { InputError, VendorError } from "../../core/errors";
import type { SwiftClient } from "./client";
import { innerStatus, parseBulkResult } from "./errors";
import { sloEtag } from "./hashing";
import { deleteObject, metadataHeaders, readObject, unquote } from "./objects";
import { liveObject, segmentBase, segmentName, sweepSegments } from "./segments";

export interface ManifestSpec {
  container: string;
  name: string;
  segmentContainer: string;
  contentType?: string;
  metadata?: Record<string, string>;
  /** The version prefix the segments are under. */
  prefix: string;
  /** The segment MD5s, in order. */
  md5s: string[];
  segmentLength: (i: number) => number;
  /** The cluster's max_manifest_size (/info). */
  maxManifestSize: number;
}

/** PUT ?multipart-manifest=put&heartbeat=on; the real status and ETag are in the body. */
export async function putManifest(client: SwiftClient, spec: ManifestSpec): Promise<string> {
  const { prefix, md5s } = spec;
  const where = `${spec.container}/${spec.name}`;
  const manifest = md5s.map((etag, i) => ({
    path: `/${spec.segmentContainer}/${segmentName(prefix, i)}`,
    etag,
    size_bytes: spec.segmentLength(i),
  }));
  const body = JSON.stringify(manifest);
  if (Buffer.byteLength(body) > spec.maxManifestSize) {
    throw new InputError(
      `${where}: the manifest (${Buffer.byteLength(body)} bytes) exceeds max_manifest_size (${spec.maxManifestSize})`,
      {
        meta: { property: "segmentSize", remedy: "use larger segments" },
      },
    );
  }
  const expected = sloEtag(md5s);
  const headers: Record<string, string> = {
    ...metadataHeaders(spec.metadata),
    "content-type": spec.contentType ?? "application/octet-stream",
    accept: "application/json",
    etag: expected,
  };
  const res = await client.request({
    method: "PUT",
    container: spec.container,
    object: spec.name,
    query: { "multipart-manifest": "put", heartbeat: "on" },
    headers,
    body,
    operation: "putManifest",
    idempotent: true,
    timeoutMs: 120_000 + md5s.length * 200,
  });
  let etag = res.headers.etag;
  if (res.status === 202) {
    const r = parseBulkResult(res.body, res.text);
    if (innerStatus(r) !== 201) {
      const errors = (r.Errors ?? []).slice(0, 10).map(([p, s]) => `${p}: ${s}`);
      throw new VendorError(
        `Swift refused the manifest of ${where}: ${r["Response Status"] ?? "no status"}`,
        {
          meta: {
            vendor: "swift",
            operation: "putManifest",
            vendorCause: [r["Response Body"], ...errors].filter(Boolean).join("; "),
            remedy: "the segments listed changed or vanished while uploading; run pulumi up again",
          },
        },
      );
    }
    etag = r.Etag;
  }
  if (unquote(etag) !== expected) {
    throw new VendorError(
      `the manifest of ${where} was stored with ETag ${unquote(etag)}, expected ${expected}`,
      {
        meta: { vendor: "swift", operation: "putManifest" },
      },
    );
  }
  return expected;
}

export interface DeleteSloSpec {
  container: string;
  name: string;
  /** When given, orphan segments under the object's base are removed too. */
  segmentContainer?: string;
  onProgress?: (message: string) => void;
}

/**
 * Deletes the manifest and its segments with ?multipart-manifest=delete. Swift answers 200
 * whatever happened; the body's Response Status and Errors tell. A non-SLO object at that
 * name is deleted plainly (the manifest-delete would refuse it and delete nothing).
 */
export async function deleteSlo(
  client: SwiftClient,
  spec: DeleteSloSpec,
): Promise<{ alreadyGone: boolean; segmentsDeleted: number }> {
  const where = `${spec.container}/${spec.name}`;
  const base = spec.segmentContainer
    ? segmentBase(spec.container, spec.name, spec.segmentContainer)
    : undefined;
  const live =
    spec.segmentContainer && base
      ? await liveObject(client, spec.container, spec.name, spec.segmentContainer, base)
      : { state: await readObject(client, spec.container, spec.name), segments: [] as string[] };
  const state = live.state;
  let segmentsDeleted = 0;
  if (state?.staticLargeObject) {
    const res = await client.request({
      method: "DELETE",
      container: spec.container,
      object: spec.name,
      query: { "multipart-manifest": "delete" },
      headers: { accept: "application/json" },
      operation: "deleteSlo",
      idempotent: true,
      timeoutMs: 120_000 + live.segments.length * 200,
    });
    const r = parseBulkResult(res.body, res.text);
    const failed = (r.Errors ?? []).filter(([, s]) => !/^404\b/.test(s));
    if (failed.length > 0 || (innerStatus(r) >= 300 && innerStatus(r) !== 404)) {
      const gone = !(await readObject(client, spec.container, spec.name));
      throw new VendorError(
        `Swift could not delete ${failed.length} segment(s) of ${where} (${r["Response Status"] ?? "no status"})${gone ? "; the manifest itself was deleted" : ""}`,
        {
          meta: {
            vendor: "swift",
            operation: "deleteSlo",
            vendorCause:
              failed
                .slice(0, 10)
                .map(([p, s]) => `${p}: ${s}`)
                .join("; ") || r["Response Body"],
            remedy:
              "check the user's rights on the segment container (403) and delete the listed segments, then run pulumi up/destroy again",
          },
        },
      );
    }
    segmentsDeleted = Math.max(0, (r["Number Deleted"] ?? 1) - 1);
  } else if (state) {
    await deleteObject(client, spec.container, spec.name);
  }
  if (base && spec.segmentContainer) {
    const orphans = await sweepSegments(client, spec.segmentContainer, base);
    if (orphans > 0) spec.onProgress?.(`deleted ${orphans} orphan segment(s) of ${where}`);
    segmentsDeleted += orphans;
  }
  return { alreadyGone: !state, segmentsDeleted };
}
