/**
 * How an SLO upload is cut: segment size, segment PUTs in flight and segment count, decided
 * in one place from the object's size, the cluster's limits (its /info, or a stock Swift's
 * where nothing was asked) and the caller's explicit choices, which always win. Pure and
 * synchronous: the SloObject handler plans in check (stock limits, no request) and records the
 * plan; uploadSlo plans again against the cluster's /info with that record as the explicit
 * choice, which then only validates it.
 *
 * Defaults (bench/slo, docs/vendors/swift.md "Performance"): every segment costs Swift one
 * object (file, metadata, container update), so segments are large: a quarter of the object,
 * 16..64 MiB (larger ones measured no faster and make a retried or resumed segment costlier);
 * and 2 are in flight, which overlaps our MD5 with Swift's work; 4 (the earlier default, with
 * 10 MiB segments) measured slower on every size, since client and Swift share the CPU.
 */
import { InputError } from "../../core/errors";
import type { SwiftInfo } from "./client";

const MIB = 1024 * 1024;

/** The default segment size lies in this range (before the cluster's limits are applied). */
export const DEFAULT_MIN_SEGMENT_SIZE = 16 * MIB;
export const DEFAULT_MAX_SEGMENT_SIZE = 64 * MIB;
/** An object is cut into about this many segments by default, within the range above. */
export const DEFAULT_SEGMENTS_PER_OBJECT = 4;
/** Segment PUTs in flight by default (a larger cluster may want more: the `concurrency` input). */
export const DEFAULT_SLO_CONCURRENCY = 2;

/** The limits of /info that decide a plan (SWIFT_DEFAULT_LIMITS carries a stock Swift's). */
export type SloLimits = Pick<SwiftInfo, "minSegmentSize" | "maxManifestSegments" | "maxFileSize">;

export interface SloPlanRequest {
  /** Object size in bytes. */
  size: number;
  /** Explicit segment size: validated, never changed. */
  segmentSize?: number;
  /** Explicit segment PUTs in flight. */
  concurrency?: number;
  /**
   * The segment size the object already has (recorded by an earlier plan, not declared):
   * kept when it still fits, so a new default never re-uploads unchanged content.
   */
  previousSegmentSize?: number;
}

export interface SloPlan {
  segmentSize: number;
  /** Segment PUTs in flight: never more than there are segments. */
  concurrency: number;
  segmentCount: number;
}

/** Names the object in error messages ("container/name"). */
export function planSlo(request: SloPlanRequest, limits: SloLimits, where = "the object"): SloPlan {
  const { size } = request;
  if (!(size > 0)) {
    throw new InputError(`${where}: the file is empty; a static large object needs at least one byte`, {
      meta: { property: "file", remedy: "use SwiftObject for empty objects" },
    });
  }
  const segmentSize =
    request.segmentSize ??
    (request.previousSegmentSize !== undefined && fits(size, request.previousSegmentSize, limits)
      ? request.previousSegmentSize
      : defaultSegmentSize(size, limits));
  if (segmentSize < limits.minSegmentSize || segmentSize > limits.maxFileSize) {
    throw new InputError(
      `${where}: segmentSize ${segmentSize} is outside this cluster's limits (${limits.minSegmentSize}..${limits.maxFileSize} bytes)`,
      { meta: { property: "segmentSize" } },
    );
  }
  const segmentCount = Math.ceil(size / segmentSize);
  if (segmentCount > limits.maxManifestSegments) {
    throw new InputError(
      `${where}: ${segmentCount} segments of ${segmentSize} bytes exceed the ${limits.maxManifestSegments}-segment manifest limit (max_manifest_segments)`,
      {
        meta: {
          property: "segmentSize",
          remedy: `use segments of at least ${Math.ceil(size / limits.maxManifestSegments)} bytes`,
        },
      },
    );
  }
  const concurrency = request.concurrency ?? DEFAULT_SLO_CONCURRENCY;
  return { segmentSize, concurrency: Math.max(1, Math.min(concurrency, segmentCount)), segmentCount };
}

function fits(size: number, segmentSize: number, limits: SloLimits): boolean {
  return (
    segmentSize >= limits.minSegmentSize &&
    segmentSize <= limits.maxFileSize &&
    Math.ceil(size / segmentSize) <= limits.maxManifestSegments
  );
}

/**
 * A quarter of the object in whole MiB, within 16..64 MiB; larger when the cluster's
 * max_manifest_segments needs it, never below its min_segment_size nor above max_file_size.
 */
function defaultSegmentSize(size: number, limits: SloLimits): number {
  const wanted = Math.min(
    DEFAULT_MAX_SEGMENT_SIZE,
    Math.max(DEFAULT_MIN_SEGMENT_SIZE, roundUpMib(size / DEFAULT_SEGMENTS_PER_OBJECT)),
  );
  const forCount = roundUpMib(size / limits.maxManifestSegments);
  const chosen = Math.max(wanted, forCount, limits.minSegmentSize);
  // Past max_file_size the manifest cannot hold the object: the count check reports it.
  return Math.min(chosen, limits.maxFileSize);
}

const roundUpMib = (n: number) => Math.ceil(n / MIB) * MIB;
