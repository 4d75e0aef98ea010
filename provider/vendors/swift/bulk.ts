/**
 * Listing and deleting many objects: paged container listings (format=json, marker), and
 * deletion by path through the bulk middleware (`POST ?bulk-delete`, which answers 200
 * whatever happened: the real outcome is in the body) or, without it, one DELETE each.
 */
import { Semaphore } from "../../core/limits";
import { VendorError } from "../../core/errors";
import { isNotFound, objectPath, type SwiftClient } from "./client";
import { innerStatus, parseBulkResult } from "./errors";

export interface ListingEntry {
  name: string;
  bytes: number;
  /** MD5 of the object (for an SLO: of its manifest). */
  hash: string;
  content_type: string;
  last_modified: string;
  /** Present (quoted) when the entry is a static large object manifest. */
  slo_etag?: string;
  /** Present instead of the other fields for a pseudo-directory when listing with a delimiter. */
  subdir?: string;
}

export interface ListOptions {
  prefix?: string;
  delimiter?: string;
  /** Stop after this many entries (default: all). */
  limit?: number;
}

/** Every entry of a container listing, following `marker` across pages. */
export async function listObjects(
  client: SwiftClient,
  container: string,
  opts: ListOptions = {},
): Promise<ListingEntry[]> {
  const out: ListingEntry[] = [];
  let marker: string | undefined;
  for (;;) {
    const res = await client.request<ListingEntry[]>({
      method: "GET",
      container,
      query: {
        format: "json",
        prefix: opts.prefix,
        delimiter: opts.delimiter,
        marker,
        ...(opts.limit ? { limit: Math.min(opts.limit - out.length, 10000) } : {}),
      },
      operation: "listObjects",
      idempotent: true,
    });
    const page = Array.isArray(res.body) ? res.body : [];
    out.push(...page);
    if (page.length === 0 || (opts.limit && out.length >= opts.limit)) return out;
    const last = page[page.length - 1]!;
    marker = last.subdir ?? last.name;
  }
}

/** A "/container/object" path (unencoded) split into its parts. */
export function splitPath(path: string): { container: string; object: string } {
  const p = path.replace(/^\/+/, "");
  const i = p.indexOf("/");
  return i < 0 ? { container: p, object: "" } : { container: p.slice(0, i), object: p.slice(i + 1) };
}

export interface DeleteOutcome {
  deleted: number;
  notFound: number;
}

/**
 * Deletes objects (and empty containers) given as unencoded "/container[/object]" paths, in
 * order. Missing paths count as done. Throws a VendorError listing every path that could not
 * be deleted.
 */
export async function deletePaths(
  client: SwiftClient,
  paths: string[],
  what: string,
): Promise<DeleteOutcome> {
  const outcome: DeleteOutcome = { deleted: 0, notFound: 0 };
  if (paths.length === 0) return outcome;
  const info = await client.info();
  const failures: Array<[string, string]> = [];
  if (info.bulkDeleteMax) {
    for (let i = 0; i < paths.length; i += info.bulkDeleteMax) {
      const chunk = paths.slice(i, i + info.bulkDeleteMax);
      const res = await client.request({
        method: "POST",
        query: { "bulk-delete": "" },
        headers: { "content-type": "text/plain", accept: "application/json" },
        body: chunk
          .map((p) => objectPath(splitPath(p).container, splitPath(p).object || undefined))
          .join("\n"),
        operation: "bulkDelete",
        // Deleting the same paths again is harmless.
        idempotent: true,
        timeoutMs: 60_000 + chunk.length * 200,
      });
      const result = parseBulkResult(res.body, res.text);
      outcome.deleted += result["Number Deleted"] ?? 0;
      outcome.notFound += result["Number Not Found"] ?? 0;
      for (const [p, status] of result.Errors ?? []) if (!/^404\b/.test(status)) failures.push([p, status]);
      const inner = innerStatus(result);
      if (inner >= 300 && (result.Errors ?? []).length === 0)
        failures.push([
          "(bulk delete)",
          `${result["Response Status"]} ${result["Response Body"] ?? ""}`.trim(),
        ]);
    }
  } else {
    const pool = new Semaphore(8);
    await Promise.all(
      paths.map((p) =>
        pool.run(async () => {
          const { container, object } = splitPath(p);
          try {
            await client.request({
              method: "DELETE",
              container,
              ...(object ? { object } : {}),
              operation: "deleteObject",
              idempotent: true,
            });
            outcome.deleted++;
          } catch (err) {
            if (isNotFound(err)) outcome.notFound++;
            else failures.push([p, err instanceof Error ? err.message.split("\n")[0]! : String(err)]);
          }
        }),
      ),
    );
  }
  if (failures.length > 0) {
    const shown = failures.slice(0, 10).map(([p, s]) => `${p}: ${s}`);
    if (failures.length > 10) shown.push(`… and ${failures.length - 10} more`);
    throw new VendorError(`could not delete ${failures.length} of ${paths.length} objects (${what})`, {
      meta: {
        vendor: "swift",
        operation: "bulkDelete",
        vendorCause: shown.join("; "),
        remedy:
          "check the user's rights on the containers listed (403) and re-run; objects already deleted stay deleted",
      },
    });
  }
  return outcome;
}
