/**
 * The flow SwiftObject and SloObject share, on the handler kit: a Swift object whose content
 * the program gives (text, a file, an asset) and which check knows by a fingerprint (its ETag
 * and what it was computed from), so that a content change is an update found in preview and
 * compared with the ETag Swift reports. A kind brings its schema, fingerprint, upload and
 * delete; the flow does the rest:
 * - check: the kit's check, then the fingerprint as the internal input `__source`, which
 *   outputs and refresh carry along (an unchanged file then costs a stat, not a read);
 * - diff: container, name and account replace; fingerprint, content type, metadata (and the
 *   kind's own inputs) update in place; credentials are never a diff;
 * - create: an object already there with other content is a conflict unless `adopt`;
 * - update: new content is uploaded, else content type and metadata converge with one POST;
 * - read: the live ETag, size, content type and metadata (in the declared casing).
 */
import { stat } from "node:fs/promises";
import * as path from "node:path";
import type { z } from "zod";
import { ConflictError } from "../core/errors";
import { containsUnknown } from "../core/schema";
import { sameMetadata, type SwiftClient } from "../vendors/swift/client";
import { postObject, readObject, sameObjectMeta, type ObjectState } from "../vendors/swift/objects";
import { swiftClient } from "../inputs/swift";
import { defineHandler, omitKeys, type Handler, type OpContext, type Props } from "./kit";
import { assertSameAccount, connectionChange, identityChanges } from "./swift-identity";
import { declaredCasing, swiftUrl } from "./swift-live";

export type CheckFailure = { property: string; reason: string };

/** What check knows about the content; `etag` is what Swift will report for it. */
export interface Fingerprint {
  etag: string;
}

export interface ContentKind {
  kind: string;
  /** Built on each call (zod objects must not be captured by serialized code). */
  schema: () => z.ZodType;
  /** Output-only keys of this kind, beyond the ones every content object has. */
  computed: readonly string[];
  /** The content's fingerprint (`olds.__source` may be reused while the file is unchanged). */
  fingerprint(inputs: Props, olds: Props): Promise<{ source: Fingerprint } | { failure: CheckFailure }>;
  /** The content type to converge: declared or implied (a directory marker); else Swift's. */
  contentType(inputs: Props): string | undefined;
  /**
   * True: an object already holding this content is adopted without an upload (SwiftObject).
   * False: the upload runs anyway (SloObject: it recognises its own segments, re-uses them).
   */
  adoptsSameContent: boolean;
  /** A change of the kind's own inputs that needs an update (SloObject: the segment container). */
  changed?(olds: Props, news: Props): boolean;
  /** The live object needs an upload although its ETag matches (SloObject: not an SLO, moved segments). */
  stale?(live: ObjectState, olds: Props, news: Props): boolean;
  /** Stores the content; returns the kind's outputs. `olds` on update. */
  upload(client: SwiftClient, inputs: Props, ctx: OpContext, olds?: Props): Promise<Props>;
  delete(client: SwiftClient, props: Props, ctx: OpContext): Promise<void>;
}

/** Output-only keys of every content object. */
const COMPUTED = ["etag", "size", "lastModified", "storageUrl", "url", "adopted", "actualContentType"];

export function defineContentObject(k: ContentKind): Handler {
  const computed = [...COMPUTED, ...k.computed];

  /** The shared outputs, from the live object. */
  const outputs = (inputs: Props, live: ObjectState, storageUrl: string, adopted: boolean): Props => ({
    ...inputs,
    etag: live.etag,
    size: live.size,
    actualContentType: live.contentType,
    lastModified: live.lastModified ?? null,
    storageUrl,
    url: swiftUrl(storageUrl, inputs.container, inputs.name),
    adopted,
  });

  const readBack = async (client: SwiftClient, inputs: Props): Promise<ObjectState> => {
    const live = await readObject(client, inputs.container, inputs.name);
    if (!live)
      throw new ConflictError(`${inputs.container}/${inputs.name} vanished right after it was written`);
    return live;
  };

  /** Content type and metadata as declared (one POST when they differ); the object afterwards. */
  const converge = async (client: SwiftClient, inputs: Props, current: ObjectState): Promise<ObjectState> => {
    const contentType = k.contentType(inputs);
    if (sameObjectMeta(current, contentType, inputs.metadata)) return current;
    await postObject(client, inputs.container, inputs.name, contentType, inputs.metadata);
    return (await readObject(client, inputs.container, inputs.name)) ?? current;
  };

  const base = defineHandler({
    kind: k.kind,
    schema: k.schema,
    // Swift calls carry their own per-request (transfer-sized) timeouts; there is no timeouts input.
    defaultTimeoutMs: 0,
    computed,

    diff(olds, news) {
      const { replaces, unknown } = identityChanges(olds, news, ["container", "name"]);
      const conn = connectionChange(olds.connection, news.connection);
      if (conn.replace) replaces.push("connection");
      const wantType = k.contentType(news);
      const changes =
        replaces.length > 0 ||
        unknown ||
        conn.changed ||
        news.__source?.etag === undefined ||
        news.__source.etag !== olds.etag ||
        (wantType !== undefined && wantType !== olds.actualContentType) ||
        !sameMetadata(olds.metadata, news.metadata) ||
        (k.changed?.(olds, news) ?? false);
      return { changes, replaces, deleteBeforeReplace: false };
    },

    async create(inputs, ctx) {
      const client = swiftClient(inputs.connection);
      const id = `${inputs.container}/${inputs.name}`;
      const existing = await readObject(client, inputs.container, inputs.name);
      const etag = (inputs.__source as Fingerprint).etag;
      if (existing && existing.etag === etag && k.adoptsSameContent) {
        ctx.say(`${id} already holds this content; adopting it`);
        const live = await converge(client, inputs, existing);
        return { id, outs: outputs(inputs, live, await client.storageUrl(), true) };
      }
      if (existing && existing.etag !== etag && !inputs.adopt) {
        throw new ConflictError(`object ${id} already exists with other content (ETag ${existing.etag})`, {
          meta: {
            vendor: "swift",
            operation: `create${k.kind}`,
            property: "name",
            remedy: "set adopt: true to overwrite it and manage it, or choose another name",
          },
        });
      }
      const own = await k.upload(client, inputs, ctx);
      const live = await readBack(client, inputs);
      return {
        id,
        outs: { ...own, ...outputs(inputs, live, await client.storageUrl(), existing !== undefined) },
      };
    },

    async read(_id, props) {
      const client = swiftClient(props.connection);
      const live = await readObject(client, props.container, props.name);
      if (!live) return undefined;
      const declared: Props = {
        ...omitKeys(props, computed),
        metadata: declaredCasing(live.metadata, props.metadata),
        ...(props.contentType !== undefined ? { contentType: live.contentType } : {}),
      };
      return {
        ...props,
        ...outputs(declared, live, await client.storageUrl(), props.adopted ?? false),
      };
    },

    async update(_id, olds, news, ctx) {
      const client = swiftClient(news.connection);
      const storageUrl = await assertSameAccount(client, olds.storageUrl);
      const adopted = olds.adopted ?? false;
      const current = await readObject(client, news.container, news.name);
      if (!current || current.etag !== news.__source?.etag || k.stale?.(current, olds, news)) {
        const own = await k.upload(client, news, ctx, olds);
        return { ...own, ...outputs(news, await readBack(client, news), storageUrl, adopted) };
      }
      const live = await converge(client, news, current);
      const kept = Object.fromEntries(k.computed.filter((key) => key in olds).map((key) => [key, olds[key]]));
      return { ...kept, ...outputs(news, live, storageUrl, adopted) };
    },

    async delete(_id, props, ctx) {
      await k.delete(swiftClient(props.connection), props, ctx);
    },
  });

  // The fingerprint is an internal input the kit does not keep: carried along here.
  return {
    ...base,
    async check(olds, news) {
      const checked = await base.check(olds, news);
      if (checked.failures?.length || containsUnknown(checked.inputs)) return checked;
      const fp = await k.fingerprint(checked.inputs!, olds);
      if ("failure" in fp) return { inputs: checked.inputs!, failures: [fp.failure] };
      return { inputs: { ...checked.inputs, __source: fp.source }, failures: [] };
    },
    async create(inputs) {
      const r = await base.create(inputs);
      return { id: r.id, outs: { ...r.outs, __source: inputs.__source } };
    },
    async read(id, props) {
      const r = await base.read(id, props);
      if (!r.props || props.__source === undefined) return r;
      return {
        ...r,
        props: { ...r.props, __source: props.__source },
        inputs: { ...r.inputs, __source: props.__source },
      };
    },
    async update(id, olds, news) {
      const r = await base.update(id, olds, news);
      return { outs: { ...r.outs, __source: news.__source } };
    },
  };
}

/** Where a local file is: relative paths are resolved from the program's directory (the host's cwd). */
export function resolveFile(file: string): string {
  return path.resolve(process.cwd(), file);
}

/** size and mtime (whole ms) of an input file, or a check failure naming the property. */
export async function statInput(
  file: string,
  property: string,
): Promise<{ stat: { size: number; mtimeMs: number } } | { failure: CheckFailure }> {
  try {
    const s = await stat(resolveFile(file));
    if (!s.isFile()) return { failure: { property, reason: `${file} is not a regular file` } };
    return { stat: { size: s.size, mtimeMs: Math.floor(s.mtimeMs) } };
  } catch (err) {
    const code = (err as { code?: string }).code;
    return {
      failure: {
        property,
        reason:
          code === "ENOENT"
            ? `file ${file} does not exist (relative paths start at ${process.cwd()})`
            : `cannot read ${file}: ${code ?? String(err)}`,
      },
    };
  }
}
