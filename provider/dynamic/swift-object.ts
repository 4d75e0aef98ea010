/**
 * Handler for `SwiftObject`: a small object from a string, a file or a Pulumi asset, or a
 * directory marker (`application/directory`, empty, as the seed creates them). Check
 * computes the content's MD5 (a file is re-read only when its size or mtime changed), so a
 * content change is an update, found in preview, and compared with the ETag Swift returns.
 * Container, name and account replace; content type and metadata update with one POST.
 */
import { z } from "zod";
import { ConflictError } from "../core/errors";
import { checkWith } from "../core/schema";
import { sameMetadata, SWIFT_DEFAULT_LIMITS } from "../vendors/swift/client";
import { md5OfFile, md5OfText } from "../vendors/swift/hashing";
import {
  deleteObject,
  DIRECTORY_CONTENT_TYPE,
  postObject,
  putObject,
  readObject,
  sameObjectMeta,
  type ObjectContent,
  type ObjectState,
} from "../vendors/swift/objects";
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

export const KIND = "SwiftObject";

function schema() {
  return z
    .object({
      connection: swiftConnectionSchema(),
      container: containerNameSchema(),
      name: objectNameSchema(),
      content: z.string().optional(),
      file: z.string().min(1).optional(),
      source: assetSchema().optional(),
      directory: z.boolean().optional(),
      contentType: z
        .string()
        .min(1)
        .max(256)
        .regex(/^[\x20-\x7e]+$/, "printable ASCII")
        .optional(),
      metadata: metadataSchema().default({}),
      adopt: z.boolean().default(false),
    })
    .strict()
    .superRefine((o, ctx) => {
      const given = (["content", "file", "source"] as const).filter((k) => o[k] !== undefined);
      if (o.directory) {
        for (const k of given)
          ctx.addIssue({ code: "custom", path: [k], message: "a directory marker has no content" });
      } else if (given.length === 0) {
        ctx.addIssue({
          code: "custom",
          path: ["content"],
          message: "give one of content, file or source (or directory: true)",
        });
      } else if (given.length > 1) {
        for (const k of given.slice(1))
          ctx.addIssue({
            code: "custom",
            path: [k],
            message: `only one of ${given.join(", ")} may be given`,
          });
      }
    });
}

type Inputs = z.output<ReturnType<typeof schema>>;

/** What check learned about the content: its MD5 and, for a file, the stat it was computed at. */
interface SourceFingerprint {
  kind: "text" | "file" | "directory";
  etag: string;
  size: number;
  path?: string;
  mtimeMs?: number;
}

const COMPUTED = ["etag", "size", "lastModified", "storageUrl", "url", "adopted", "actualContentType"];

/** Swift refuses single objects above max_file_size (5 GiB by default). */
const MAX_SIZE = SWIFT_DEFAULT_LIMITS.maxFileSize;

async function fingerprint(
  inputs: Inputs,
  olds: Props,
): Promise<{ source?: SourceFingerprint; failure?: { property: string; reason: string } }> {
  if (inputs.directory) return { source: { kind: "directory", etag: md5OfText(""), size: 0 } };
  const text = inputs.content ?? inputs.source?.text;
  if (text !== undefined)
    return { source: { kind: "text", etag: md5OfText(text), size: Buffer.byteLength(text) } };
  const property = inputs.file !== undefined ? "file" : "source";
  const file = (inputs.file ?? inputs.source?.path)!;
  const { stat, failure } = await statInput(file, property);
  if (!stat) return { failure };
  if (stat.size > MAX_SIZE) {
    return {
      failure: {
        property,
        reason: `${file} is ${stat.size} bytes, above Swift's 5 GiB object limit: use SloObject`,
      },
    };
  }
  const old = olds.__source as SourceFingerprint | undefined;
  const unchanged =
    old?.kind === "file" && old.path === file && old.size === stat.size && old.mtimeMs === stat.mtimeMs;
  const etag = unchanged ? old.etag : await md5OfFile(resolveFile(file));
  return { source: { kind: "file", etag, size: stat.size, path: file, mtimeMs: stat.mtimeMs } };
}

function content(inputs: Props): ObjectContent {
  if (inputs.directory) return { bytes: Buffer.alloc(0) };
  const text = inputs.content ?? inputs.source?.text;
  if (text !== undefined) return { text };
  return { file: resolveFile(inputs.file ?? inputs.source.path) };
}

function contentTypeOf(inputs: Props): string | undefined {
  return inputs.contentType ?? (inputs.directory ? DIRECTORY_CONTENT_TYPE : undefined);
}

function outputs(inputs: Props, live: ObjectState, storageUrl: string, adopted: boolean): Props {
  return {
    ...inputs,
    etag: live.etag,
    size: live.size,
    actualContentType: live.contentType,
    lastModified: live.lastModified ?? null,
    storageUrl,
    url: objectUrl(storageUrl, inputs.container, inputs.name),
    adopted,
  };
}

async function upload(inputs: Props): Promise<{ live: ObjectState; storageUrl: string }> {
  const client = swiftClient(inputs.connection);
  await putObject(client, {
    container: inputs.container,
    name: inputs.name,
    content: content(inputs),
    contentType: contentTypeOf(inputs),
    metadata: inputs.metadata,
  });
  const live = await readObject(client, inputs.container, inputs.name);
  if (!live)
    throw new ConflictError(`${inputs.container}/${inputs.name} vanished right after it was uploaded`);
  return { live, storageUrl: await client.storageUrl() };
}

export const swiftObjectHandler: Handler = {
  async check(olds, news) {
    const { inputs, failures, hasUnknowns } = checkWith(schema(), news);
    if (failures.length > 0 || hasUnknowns) return { inputs: withInternal(inputs, news), failures };
    const fp = await fingerprint(inputs as Inputs, olds);
    if (fp.failure) return { inputs: withInternal(inputs, news), failures: [fp.failure] };
    return { inputs: withInternal(inputs, news, { __source: fp.source }), failures: [] };
  },

  async diff(_id, olds, news) {
    const { replaces, unknown } = identityChanges(olds, news, ["container", "name"]);
    const conn = connectionChange(olds.connection, news.connection);
    if (conn.replace) replaces.push("connection");
    const wantType = contentTypeOf(news);
    const changes =
      replaces.length > 0 ||
      unknown ||
      conn.changed ||
      news.__source?.etag === undefined ||
      news.__source.etag !== olds.etag ||
      (wantType !== undefined && wantType !== olds.actualContentType) ||
      !sameMetadata(olds.metadata, news.metadata);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(raw) {
    const inputs = raw as Inputs & Props;
    const client = swiftClient(inputs.connection);
    const id = `${inputs.container}/${inputs.name}`;
    const existing = await readObject(client, inputs.container, inputs.name);
    if (existing && existing.etag === inputs.__source?.etag) {
      progress(KIND, inputs)(`${id} already holds this content; adopting it`);
      if (!sameObjectMeta(existing, contentTypeOf(inputs), inputs.metadata))
        await postObject(client, inputs.container, inputs.name, contentTypeOf(inputs), inputs.metadata);
      const live = (await readObject(client, inputs.container, inputs.name)) ?? existing;
      return { id, outs: outputs(inputs, live, await client.storageUrl(), true) };
    }
    if (existing && !inputs.adopt) {
      throw new ConflictError(`object ${id} already exists with other content (ETag ${existing.etag})`, {
        meta: {
          vendor: "swift",
          operation: "createObject",
          property: "name",
          remedy: "set adopt: true to overwrite and manage it, or choose another name",
        },
      });
    }
    const { live, storageUrl } = await upload(inputs);
    return { id, outs: outputs(inputs, live, storageUrl, existing !== undefined) };
  },

  async read(id, props) {
    const client = swiftClient(props.connection);
    const live = await readObject(client, props.container, props.name);
    if (!live) return {};
    const inputs = liveObjectInputs(props, COMPUTED, live);
    return {
      id,
      props: {
        ...outputs(inputs, live, await client.storageUrl(), props.adopted ?? false),
        __source: props.__source,
      },
      inputs: withInternal(inputs, props, props.__source ? { __source: props.__source } : {}),
    };
  },

  async update(_id, olds, news) {
    const inputs = news as Inputs & Props;
    const client = swiftClient(inputs.connection);
    const storageUrl = await assertSameAccount(client, olds.storageUrl);
    const current = await readObject(client, inputs.container, inputs.name);
    if (!current || current.etag !== inputs.__source?.etag) {
      const { live } = await upload(inputs);
      return { outs: outputs(inputs, live, storageUrl, olds.adopted ?? false) };
    }
    if (!sameObjectMeta(current, contentTypeOf(inputs), inputs.metadata))
      await postObject(client, inputs.container, inputs.name, contentTypeOf(inputs), inputs.metadata);
    const live = (await readObject(client, inputs.container, inputs.name)) ?? current;
    return { outs: outputs(inputs, live, storageUrl, olds.adopted ?? false) };
  },

  async delete(_id, props) {
    await deleteObject(swiftClient(props.connection), props.container, props.name);
  },
};
