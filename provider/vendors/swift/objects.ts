/**
 * Objects: HEAD, upload of a small object (text, bytes or a file streamed from disk) with
 * its MD5 verified against the ETag Swift returns, metadata/content-type updates by POST
 * (which replaces all object metadata), delete, and a streamed download that checks the
 * byte count and, for plain objects, the MD5.
 */
import { stat } from "node:fs/promises";
import { pipeline } from "node:stream/promises";
import type { Writable } from "node:stream";
import { NotFoundError, VendorError } from "../../core/errors";
import { isNotFound, metaFromHeaders, sameMetadata, type SwiftClient } from "./client";
import { FileRange, HashingStream, md5OfText } from "./hashing";

/** The MIME type Swift and the seed use for directory marker objects. */
export const DIRECTORY_CONTENT_TYPE = "application/directory";

export interface ObjectState {
  container: string;
  name: string;
  /** Unquoted hex. Plain objects: MD5 of the content. SLOs: MD5 of the segment MD5s. */
  etag: string;
  size: number;
  contentType: string;
  metadata: Record<string, string>;
  lastModified?: string;
  staticLargeObject: boolean;
  /** SLOs only: MD5 of the stored manifest. */
  manifestEtag?: string;
}

export function unquote(etag: string | undefined): string {
  return (etag ?? "").replace(/^"|"$/g, "").toLowerCase();
}

/** HEAD of an object; undefined when it does not exist. */
export async function readObject(
  client: SwiftClient,
  container: string,
  name: string,
): Promise<ObjectState | undefined> {
  let headers: Record<string, string>;
  try {
    headers = (
      await client.request({
        method: "HEAD",
        container,
        object: name,
        operation: "headObject",
        idempotent: true,
      })
    ).headers;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
  const slo = /^true$/i.test(headers["x-static-large-object"] ?? "");
  return {
    container,
    name,
    etag: unquote(headers.etag),
    size: Number(headers["content-length"] ?? 0),
    contentType: headers["content-type"] ?? "",
    metadata: metaFromHeaders(headers, "object"),
    ...(headers["last-modified"] ? { lastModified: headers["last-modified"] } : {}),
    staticLargeObject: slo,
    ...(slo && headers["x-manifest-etag"] ? { manifestEtag: unquote(headers["x-manifest-etag"]) } : {}),
  };
}

/** True when the live object has the declared content type (if any) and exactly the declared metadata. */
export function sameObjectMeta(
  live: ObjectState | undefined,
  contentType: string | undefined,
  metadata: Record<string, string> | undefined,
): boolean {
  if (!live) return false;
  if (contentType !== undefined && live.contentType !== contentType) return false;
  return sameMetadata(live.metadata, metadata);
}

export function metadataHeaders(metadata: Record<string, string> | undefined): Record<string, string> {
  const h: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata ?? {})) h[`x-object-meta-${k}`] = v;
  return h;
}

export type ObjectContent = { text: string } | { bytes: Buffer } | { file: string };

export interface PutObjectSpec {
  container: string;
  name: string;
  content: ObjectContent;
  /** Omitted: Swift guesses from the name (or application/octet-stream). */
  contentType?: string;
  metadata?: Record<string, string>;
}

/**
 * Uploads a small object. Text and bytes go with an ETag header (Swift refuses a corrupted
 * body with 422); a file is streamed and its MD5, computed on the way, must equal the ETag
 * Swift returns. Returns the verified MD5.
 */
export async function putObject(
  client: SwiftClient,
  spec: PutObjectSpec,
): Promise<{ etag: string; size: number }> {
  try {
    return await putObjectOnce(client, spec);
  } catch (err) {
    // Swift answers a PUT into a missing container with a bare 404.
    if (isNotFound(err)) {
      throw new NotFoundError(
        `container ${spec.container} does not exist (PUT ${spec.container}/${spec.name})`,
        {
          cause: err,
          meta: {
            ...err.meta,
            property: "container",
            remedy: "create the container first (e.g. a SwiftContainer)",
          },
        },
      );
    }
    throw err;
  }
}

async function putObjectOnce(
  client: SwiftClient,
  spec: PutObjectSpec,
): Promise<{ etag: string; size: number }> {
  const headers: Record<string, string> = { ...metadataHeaders(spec.metadata) };
  if (spec.contentType) headers["content-type"] = spec.contentType;
  const where = `${spec.container}/${spec.name}`;
  if ("file" in spec.content) {
    const file = spec.content.file;
    const { size } = await stat(file);
    let body: FileRange | undefined;
    const res = await client.request({
      method: "PUT",
      container: spec.container,
      object: spec.name,
      headers: { ...headers, "content-length": String(size) },
      body: size === 0 ? Buffer.alloc(0) : () => (body = new FileRange(file, 0, size)),
      operation: "putObject",
      idempotent: true,
      timeoutMs: transferTimeoutMs(size),
    });
    const md5 = body ? body.digest() : md5OfText("");
    verifyEtag(res.headers.etag, md5, where, "file changed while it was uploaded?");
    return { etag: md5, size };
  }
  const body = "text" in spec.content ? Buffer.from(spec.content.text, "utf8") : spec.content.bytes;
  const md5 = md5OfText(body);
  const res = await client.request({
    method: "PUT",
    container: spec.container,
    object: spec.name,
    headers: { ...headers, etag: md5 },
    body,
    operation: "putObject",
    idempotent: true,
    timeoutMs: transferTimeoutMs(body.length),
  });
  verifyEtag(res.headers.etag, md5, where);
  return { etag: md5, size: body.length };
}

export function verifyEtag(
  returned: string | undefined,
  expected: string,
  where: string,
  hint?: string,
): void {
  if (unquote(returned) !== expected) {
    throw new VendorError(
      `Swift stored ${where} with ETag ${unquote(returned) || "(none)"}, but the MD5 sent was ${expected}`,
      {
        meta: {
          vendor: "swift",
          operation: "putObject",
          remedy: hint ?? "the data was corrupted in transit; run pulumi up again",
        },
      },
    );
  }
}

/** 60 s plus 1 s per MiB (at worst 1 MiB/s), for calls that carry `bytes`. */
export function transferTimeoutMs(bytes: number): number {
  return 60_000 + Math.ceil(bytes / (1024 * 1024)) * 1000;
}

/** Sets content type and metadata (POST replaces all of the object's metadata). */
export async function postObject(
  client: SwiftClient,
  container: string,
  name: string,
  contentType: string | undefined,
  metadata: Record<string, string> | undefined,
): Promise<void> {
  const headers = metadataHeaders(metadata);
  if (contentType) headers["content-type"] = contentType;
  await client.request({
    method: "POST",
    container,
    object: name,
    headers,
    operation: "postObject",
    idempotent: true,
  });
}

/** Deletes a plain object; false when it was already gone. */
export async function deleteObject(client: SwiftClient, container: string, name: string): Promise<boolean> {
  try {
    await client.request({
      method: "DELETE",
      container,
      object: name,
      operation: "deleteObject",
      idempotent: true,
    });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export interface DownloadResult {
  bytes: number;
  /** MD5 of the bytes received. */
  md5: string;
  etag: string;
  staticLargeObject: boolean;
}

/**
 * Streams an object into `sink`. Swift may cut an SLO short when a segment is missing, so
 * the byte count is checked against Content-Length, and a plain object's MD5 against its
 * ETag. It goes through the client's streamed call (core `callStream`): the origin's limiter,
 * the status table, retries up to the response headers, an idle timeout rather than a total
 * one, and a connection lost mid-body as a TransientError.
 */
export async function downloadObject(
  client: SwiftClient,
  container: string,
  name: string,
  sink: Writable,
  opts: { idleTimeoutMs?: number } = {},
): Promise<DownloadResult> {
  const res = await client.requestStream({
    method: "GET",
    container,
    object: name,
    operation: "getObject",
    idempotent: true,
    ...(opts.idleTimeoutMs !== undefined ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
  });
  const length = Number(res.headers["content-length"] ?? NaN);
  const etag = unquote(res.headers.etag ?? "");
  const slo = /^true$/i.test(res.headers["x-static-large-object"] ?? "");
  const hasher = new HashingStream();
  await pipeline(res.body, hasher, sink);
  const md5 = hasher.digest();
  if (Number.isFinite(length) && hasher.bytes !== length) {
    throw new VendorError(
      `download of ${container}/${name} stopped after ${hasher.bytes} of ${length} bytes`,
      {
        meta: {
          vendor: "swift",
          operation: "getObject",
          remedy: "an SLO segment may be missing; check the manifest",
        },
      },
    );
  }
  if (!slo && etag && md5 !== etag) {
    throw new VendorError(`download of ${container}/${name}: MD5 ${md5} does not match ETag ${etag}`, {
      meta: { vendor: "swift", operation: "getObject" },
    });
  }
  return { bytes: hasher.bytes, md5, etag, staticLargeObject: slo };
}
