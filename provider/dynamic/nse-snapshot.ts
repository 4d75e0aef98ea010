/**
 * Handler for `NseFileShareSnapshot` (NetApp Service Engine 2.1): a named snapshot of a file
 * share (`POST|DELETE /v2.1/fileshares/{id}/snapshot/{name}`, each a job that is waited for).
 * Share and name replace (a snapshot cannot be renamed or moved; the new one is taken before
 * the old one goes); nothing else reaches NSE. A snapshot of this name that already exists is
 * taken over. Refresh drops it when the share or the snapshot is gone, except in the first
 * 15 minutes after we took it: NSE may list only the last of several snapshots taken together
 * until its auto job picks the others up (known issue in the NSE release notes).
 */
import { z } from "zod";
import { timeoutsSchema } from "../inputs/common";
import { nseClient, nseConnectionSchema, nseIdSchema, nseSnapshotNameSchema } from "../inputs/nse";
import { ensureSnapshot, readFileShare, removeSnapshot } from "../vendors/nse/fileshares";
import { defineHandler, inputsChanged, same, type Props } from "./kit";

export const KIND = "NseFileShareSnapshot";

function schema() {
  return z
    .object({
      connection: nseConnectionSchema,
      fileShareId: nseIdSchema,
      name: nseSnapshotNameSchema,
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

const COMPUTED = ["created", "adopted", "requestedAt"];
const REPLACES = ["fileShareId", "name"];
/** How long a snapshot we took may be missing from the share's list before refresh drops it. */
const LISTING_LAG_MS = 15 * 60_000;
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

function idOf(inputs: Props): string {
  return `${inputs.fileShareId}/${inputs.name}`;
}

/** The snapshot as the share lists it, or undefined (the share or the snapshot is gone). */
async function listed(props: Props): Promise<{ listed: boolean; created: string | null } | undefined> {
  const share = await readFileShare(nseClient(props.connection), props.fileShareId);
  if (!share) return undefined;
  const snap = (share.snapshots ?? []).find((s) => s.name === props.name);
  return { listed: snap !== undefined, created: snap?.created ?? null };
}

export const nseSnapshotHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces = REPLACES.filter((k) => !same(olds[k], news[k]));
    const changes = replaces.length > 0 || inputsChanged(olds, news, COMPUTED, REPLACES);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs, ctx) {
    const requestedAt = new Date().toISOString();
    const r = await ensureSnapshot({
      client: nseClient(inputs.connection),
      fileShareId: inputs.fileShareId,
      name: inputs.name,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (!r.created)
      ctx.say(`snapshot ${inputs.name} of file share ${inputs.fileShareId} already exists; taken over`);
    const seen = await listed(inputs).catch(() => undefined);
    return {
      id: idOf(inputs),
      outs: { ...inputs, created: seen?.created ?? null, adopted: !r.created, requestedAt },
    };
  },

  async read(_id, props, ctx) {
    const seen = await listed(props);
    if (!seen) return undefined;
    if (!seen.listed) {
      const since = Date.parse(props.requestedAt ?? "");
      if (!(Date.now() - since < LISTING_LAG_MS)) return undefined;
      ctx.say(`snapshot ${props.name} is not listed yet; NSE may list it within 15 minutes of being taken`);
    }
    return { ...props, created: seen.created ?? props.created ?? null };
  },

  async update(_id, olds, news, ctx) {
    // Only how we manage it changed (connection, timeouts): make sure it is there, change nothing.
    const r = await ensureSnapshot({
      client: nseClient(news.connection),
      fileShareId: news.fileShareId,
      name: news.name,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    return {
      ...news,
      created: olds.created ?? null,
      adopted: olds.adopted ?? !r.created,
      requestedAt: r.created ? new Date().toISOString() : (olds.requestedAt ?? null),
    };
  },

  async delete(_id, props, ctx) {
    const r = await removeSnapshot({
      client: nseClient(props.connection),
      fileShareId: props.fileShareId,
      name: props.name,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (r.alreadyGone) ctx.say(`snapshot ${props.name} of file share ${props.fileShareId} is already gone`);
  },
});
