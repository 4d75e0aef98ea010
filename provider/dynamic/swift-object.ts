/**
 * Handler for `SwiftObject`: a small object from a string, a file or a Pulumi asset, or a
 * directory marker (`application/directory`, empty, as the seed creates them). Check
 * computes the content's MD5 (a file is re-read only when its size or mtime changed), so a
 * content change is an update, found in preview, and compared with the ETag Swift returns.
 * Container, name and account replace; content type and metadata update with one POST.
 */
import { z } from "zod";
import { SWIFT_DEFAULT_LIMITS } from "../vendors/swift/client";
import { md5OfFile, md5OfText } from "../vendors/swift/hashing";
import {
  deleteObject,
  DIRECTORY_CONTENT_TYPE,
  putObject,
  type ObjectContent,
} from "../vendors/swift/objects";
import {
  assetSchema,
  containerNameSchema,
  contentTypeSchema,
  metadataSchema,
  objectNameSchema,
  swiftConnectionSchema,
} from "../inputs/swift";
import type { Props } from "./kit";
import { defineContentObject, resolveFile, statInput, type CheckFailure } from "./swift-content-object";

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
      contentType: contentTypeSchema().optional(),
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

/** Swift refuses single objects above max_file_size (5 GiB by default). */
const MAX_SIZE = SWIFT_DEFAULT_LIMITS.maxFileSize;

async function fingerprint(
  inputs: Inputs,
  olds: Props,
): Promise<{ source: SourceFingerprint } | { failure: CheckFailure }> {
  if (inputs.directory) return { source: { kind: "directory", etag: md5OfText(""), size: 0 } };
  const text = inputs.content ?? inputs.source?.text;
  if (text !== undefined)
    return { source: { kind: "text", etag: md5OfText(text), size: Buffer.byteLength(text) } };
  const property = inputs.file !== undefined ? "file" : "source";
  const file = (inputs.file ?? inputs.source?.path)!;
  const found = await statInput(file, property);
  if ("failure" in found) return found;
  const { stat } = found;
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

export const swiftObjectHandler = defineContentObject({
  kind: KIND,
  schema,
  computed: [],
  fingerprint: (inputs, olds) => fingerprint(inputs as Inputs, olds),
  contentType: contentTypeOf,
  adoptsSameContent: true,

  async upload(client, inputs) {
    await putObject(client, {
      container: inputs.container,
      name: inputs.name,
      content: content(inputs),
      contentType: contentTypeOf(inputs),
      metadata: inputs.metadata,
    });
    return {};
  },

  async delete(client, props) {
    await deleteObject(client, props.container, props.name);
  },
});
