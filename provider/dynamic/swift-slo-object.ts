/**
 * Handler for `SloObject`: a large file uploaded as a static large object (vendors/swift/slo).
 * Check fingerprints the file as the SLO ETag it would get (MD5 of its segment MD5s), and
 * re-reads it only when its size, mtime or segment size changed, so previews of a multi-GB
 * file cost a stat. A content change is an update: new segments under a new prefix, manifest
 * swap, old segments deleted. Container, name and account replace.
 */
import { stat as statFile } from "node:fs/promises";
import { z } from "zod";
import { ConflictError, isDrplaneError } from "../core/errors";
import { checkWith } from "../core/schema";
import { sameMetadata, SWIFT_DEFAULT_LIMITS } from "../vendors/swift/client";
import { fileSloDigest } from "../vendors/swift/hashing";
import { postObject, readObject, sameObjectMeta, type ObjectState } from "../vendors/swift/objects";
import { defaultSegmentContainer, segmentBase, sweepSegments } from "../vendors/swift/segments";
import { uploadSlo, type SloResult } from "../vendors/swift/slo";
import { deleteSlo } from "../vendors/swift/slo-manifest";
import { planSlo, type SloPlan } from "../vendors/swift/slo-plan";
import { progress, type Handler, type Props } from "./common";
import {
  assertSameAccount,
  assetSchema,
  connectionChange,
  containerNameSchema,
  identityChanges,
  liveObjectInputs,
  metadataSchema,
  objectNameSchema,
  objectUrl,
  resolveFile,
  statInput,
  swiftClient,
  swiftConnectionSchema,
  withInternal,
} from "./swift-common";
import { processWide } from "../core/process-state";

export const KIND = "SloObject";

function schema() {
  return z
    .object({
      connection: swiftConnectionSchema(),
      container: containerNameSchema(),
      name: objectNameSchema(),
      file: z.string().min(1).optional(),
      source: assetSchema()
        .refine((a) => a.path !== undefined, "an SloObject needs a FileAsset (for text, use SwiftObject)")
        .optional(),
      segmentSize: z
        .number()
        .int()
        .min(1, "at least 1 byte")
        .max(SWIFT_DEFAULT_LIMITS.maxFileSize, "at most 5 GiB + 2 bytes (Swift's max_file_size)")
        .optional(),
      segmentContainer: containerNameSchema().optional(),
      contentType: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[\x20-\x7e]+$/, "printable ASCII")
        .optional(),
      metadata: metadataSchema().default({}),
      concurrency: z.number().int().min(1).max(32).optional(),
      adopt: z.boolean().default(false),
    })
    .strict()
    .superRefine((o, ctx) => {
      if (o.file === undefined && o.source === undefined)
        ctx.addIssue({
          code: "custom",
          path: ["file"],
          message: "give file (a path) or source (a FileAsset)",
        });
      if (o.file !== undefined && o.source !== undefined)
        ctx.addIssue({ code: "custom", path: ["source"], message: "give file or source, not both" });
    });
}
type Inputs = z.output<ReturnType<typeof schema>>;

/**
 * What check learned about the file and decided about its upload (the plan: segment size,
 * count and PUTs in flight, recorded once here and used as is by create and update). The
 * digest is reused while path, size, mtime and segment size hold.
 */
interface SloFingerprint {
  path: string;
  size: number;
  mtimeMs: number;
  segmentSize: number;
  segmentCount: number;
  /** Absent in state written before the plan was recorded. */
  concurrency?: number;
  etag: string;
}

/**
 * Segment MD5s computed by check, by file+size+mtime+segment size, for the create/update that
 * follows in the same provider process (pulumi up runs both there): the upload sends them as
 * ETag headers instead of hashing the file a second time. Process-wide, a few entries.
 */
const md5Cache = processWide("swift.slo-md5s", () => new Map<string, string[]>());
function md5Key(file: string, size: number, mtimeMs: number, segmentSize: number): string {
  return `${resolveFile(file)}|${size}|${mtimeMs}|${segmentSize}`;
}
function rememberMd5s(key: string, md5s: string[]): void {
  md5Cache.delete(key);
  md5Cache.set(key, md5s);
  while (md5Cache.size > 16) md5Cache.delete(md5Cache.keys().next().value!);
}

const COMPUTED = [
  "etag",
  "size",
  "segmentCount",
  "segmentPrefix",
  "effectiveSegmentSize",
  "effectiveSegmentContainer",
  "actualContentType",
  "lastModified",
  "storageUrl",
  "url",
  "adopted",
];

function segmentContainerOf(inputs: Props): string {
  return inputs.segmentContainer ?? defaultSegmentContainer(inputs.container);
}

async function fingerprint(
  inputs: Inputs,
  olds: Props,
): Promise<{ source?: SloFingerprint; failures: Array<{ property: string; reason: string }> }> {
  const property = inputs.file !== undefined ? "file" : "source";
  const file = (inputs.file ?? inputs.source?.path)!;
  const { stat, failure } = await statInput(file, property);
  if (!stat) return { failures: [failure!] };
  const old = olds.__source as SloFingerprint | undefined;
  let plan: SloPlan;
  try {
    plan = planSlo(
      {
        size: stat.size,
        segmentSize: inputs.segmentSize,
        concurrency: inputs.concurrency,
        // An object uploaded with a default segment size keeps it while the file's size holds,
        // so a touch, or new defaults in a later version, re-upload nothing.
        ...(olds.segmentSize === undefined && old?.path === file && old.size === stat.size
          ? { previousSegmentSize: old.segmentSize }
          : {}),
      },
      SWIFT_DEFAULT_LIMITS,
      file,
    );
  } catch (err) {
    if (!isDrplaneError(err, "DRP_INPUT")) throw err;
    const named =
      err.meta.property === undefined || err.meta.property === "file" ? property : err.meta.property;
    return { failures: [{ property: named, reason: err.message }] };
  }
  const { segmentSize, concurrency } = plan;
  if (
    old?.path === file &&
    old.size === stat.size &&
    old.mtimeMs === stat.mtimeMs &&
    old.segmentSize === segmentSize
  )
    return { source: { ...old, concurrency }, failures: [] };
  const digest = await fileSloDigest(resolveFile(file), segmentSize);
  rememberMd5s(md5Key(file, digest.size, stat.mtimeMs, segmentSize), digest.segmentMd5s);
  return {
    source: {
      path: file,
      size: digest.size,
      mtimeMs: stat.mtimeMs,
      segmentSize,
      segmentCount: digest.segmentCount,
      concurrency,
      etag: digest.etag,
    },
    failures: [],
  };
}

function outputs(
  inputs: Props,
  result: SloResult,
  live: ObjectState | undefined,
  storageUrl: string,
  adopted: boolean,
): Props {
  const source: SloFingerprint = {
    path: inputs.file ?? inputs.source?.path,
    size: result.size,
    mtimeMs: result.mtimeMs,
    segmentSize: result.segmentSize,
    segmentCount: result.segmentCount,
    concurrency: result.concurrency,
    etag: result.etag,
  };
  return {
    ...inputs,
    __source: source,
    etag: result.etag,
    size: result.size,
    segmentCount: result.segmentCount,
    segmentPrefix: result.segmentPrefix,
    effectiveSegmentSize: result.segmentSize,
    effectiveSegmentContainer: result.segmentContainer,
    actualContentType: live?.contentType ?? null,
    lastModified: live?.lastModified ?? null,
    storageUrl,
    url: objectUrl(storageUrl, inputs.container, inputs.name),
    adopted,
  };
}

async function upload(inputs: Props): Promise<SloResult> {
  const report = progress(KIND, inputs);
  const file: string = inputs.file ?? inputs.source.path;
  const fp = inputs.__source as SloFingerprint;
  const now = await statFile(resolveFile(file));
  const known =
    now.size === fp.size && Math.floor(now.mtimeMs) === fp.mtimeMs
      ? md5Cache.get(md5Key(file, fp.size, fp.mtimeMs, fp.segmentSize))
      : undefined;
  const result = await uploadSlo(swiftClient(inputs.connection), {
    container: inputs.container,
    name: inputs.name,
    file: resolveFile(file),
    ...(known ? { segmentMd5s: known } : {}),
    // The plan check recorded: validated against the cluster's /info, never re-derived.
    segmentSize: fp.segmentSize,
    ...(fp.concurrency !== undefined ? { concurrency: fp.concurrency } : {}),
    segmentContainer: segmentContainerOf(inputs),
    contentType: inputs.contentType,
    metadata: inputs.metadata,
    onProgress: report,
  });
  if (result.uploadedSegments + result.segmentsDeleted > 0 || result.reusedSegments > 0)
    report(
      `${result.segmentCount} segments: ${result.uploadedSegments} uploaded, ${result.reusedSegments} reused, ${result.segmentsDeleted} old deleted`,
    );
  return result;
}

export const sloObjectHandler: Handler = {
  async check(olds, news) {
    const { inputs, failures, hasUnknowns } = checkWith(schema(), news);
    if (failures.length > 0 || hasUnknowns) return { inputs: withInternal(inputs, news), failures };
    const fp = await fingerprint(inputs as Inputs, olds);
    if (fp.failures.length > 0) return { inputs: withInternal(inputs, news), failures: fp.failures };
    return { inputs: withInternal(inputs, news, { __source: fp.source }), failures: [] };
  },

  async diff(_id, olds, news) {
    const { replaces, unknown } = identityChanges(olds, news, ["container", "name"]);
    const conn = connectionChange(olds.connection, news.connection);
    if (conn.replace) replaces.push("connection");
    const changes =
      replaces.length > 0 ||
      unknown ||
      conn.changed ||
      news.__source?.etag === undefined ||
      news.__source.etag !== olds.etag ||
      segmentContainerOf(news) !== olds.effectiveSegmentContainer ||
      (news.contentType !== undefined && news.contentType !== olds.actualContentType) ||
      !sameMetadata(olds.metadata, news.metadata);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(raw) {
    const inputs = raw as Inputs & Props;
    const client = swiftClient(inputs.connection);
    const id = `${inputs.container}/${inputs.name}`;
    const existing = await readObject(client, inputs.container, inputs.name);
    if (existing && existing.etag !== inputs.__source?.etag && !inputs.adopt) {
      throw new ConflictError(`object ${id} already exists with other content (ETag ${existing.etag})`, {
        meta: {
          vendor: "swift",
          operation: "createSlo",
          property: "name",
          remedy: "set adopt: true to replace its content and manage it, or choose another name",
        },
      });
    }
    const result = await upload(inputs);
    const live = await readObject(client, inputs.container, inputs.name);
    return { id, outs: outputs(inputs, result, live, await client.storageUrl(), existing !== undefined) };
  },

  async read(id, props) {
    const client = swiftClient(props.connection);
    const live = await readObject(client, props.container, props.name);
    if (!live) return {};
    const inputs = liveObjectInputs(props, COMPUTED, live);
    return {
      id,
      props: {
        ...props,
        ...inputs,
        etag: live.etag,
        size: live.size,
        actualContentType: live.contentType,
        lastModified: live.lastModified ?? null,
      },
      inputs: withInternal(inputs, props, props.__source ? { __source: props.__source } : {}),
    };
  },

  async update(_id, olds, news) {
    const inputs = news as Inputs & Props;
    const client = swiftClient(inputs.connection);
    const storageUrl = await assertSameAccount(client, olds.storageUrl);
    const current = await readObject(client, inputs.container, inputs.name);
    const movedSegments =
      olds.effectiveSegmentContainer !== undefined &&
      olds.effectiveSegmentContainer !== segmentContainerOf(inputs);
    if (!current?.staticLargeObject || current.etag !== inputs.__source?.etag || movedSegments) {
      const result = await upload(inputs);
      if (movedSegments) {
        const base = segmentBase(inputs.container, inputs.name, olds.effectiveSegmentContainer);
        await sweepSegments(client, olds.effectiveSegmentContainer, base);
      }
      const live = await readObject(client, inputs.container, inputs.name);
      return { outs: outputs(inputs, result, live, storageUrl, olds.adopted ?? false) };
    }
    if (!sameObjectMeta(current, inputs.contentType, inputs.metadata))
      await postObject(client, inputs.container, inputs.name, inputs.contentType, inputs.metadata);
    const live = await readObject(client, inputs.container, inputs.name);
    return {
      outs: {
        ...olds,
        ...inputs,
        actualContentType: live?.contentType ?? null,
        lastModified: live?.lastModified ?? null,
        storageUrl,
      },
    };
  },

  async delete(_id, props) {
    await deleteSlo(swiftClient(props.connection), {
      container: props.container,
      name: props.name,
      segmentContainer: props.effectiveSegmentContainer ?? segmentContainerOf(props),
      onProgress: progress(KIND, props),
    });
  },
};
