/**
 * Handler for `StorageDomain` (oVirt 4.x / RHEV 3.6): an NFS data or ISO domain, created on a
 * host, attached to a data center and activated (seed 002 §2.10–2.13). Type and the NFS
 * address/path/version replace (another domain; delete first: the engine refuses a second
 * domain on the same name or export). Name updates in place (PUT), data center updates in place
 * (maintenance → detach → attach → activate); host, formatOnDelete, adopt and timeouts update
 * without an engine call (they steer create and delete). A domain that a refresh found in
 * maintenance or detached is a change: update runs the same idempotent flow and brings it back
 * active.
 */
import { z } from "zod";
import { timeoutsSchema } from "../inputs/common";
import { ovirtClient, ovirtConnectionSchema, ovirtNameSchema, ovirtRefSchema } from "../inputs/ovirt";
import {
  ensureStorageDomain,
  readStorageDomain,
  removeStorageDomain,
  type StorageDomainRecord,
  type StorageDomainSpec,
} from "../vendors/ovirt/storage-domains";
import { defineHandler, inputsChanged, partialCreate, same, type Props } from "./kit";

export const KIND = "StorageDomain";

/** An NFS server: a host name or an IPv4/IPv6 address (no scheme, no path). */
const nfsAddressSchema = z
  .string()
  .min(1, "an NFS server address such as 192.0.43.10")
  .regex(/^[A-Za-z0-9.:[\]-]+$/, "a host name or IP address only, such as 192.0.43.10 (no scheme, no path)");

/** The export's absolute path. */
const nfsPathSchema = z
  .string()
  .regex(/^\/\S*$/, "an absolute path such as /storage/data")
  .refine((p) => !p.includes("//"), "no empty path segment");

function schema() {
  return z
    .object({
      connection: ovirtConnectionSchema,
      name: ovirtNameSchema,
      type: z.enum(["data", "iso"]),
      host: ovirtRefSchema,
      address: nfsAddressSchema,
      path: nfsPathSchema,
      dataCenter: ovirtRefSchema,
      nfsVersion: z.enum(["auto", "v3", "v4"]).optional(),
      formatOnDelete: z.boolean().optional(),
      adopt: z.boolean().optional(),
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

const COMPUTED = ["status", "dataCenterId", "availableGiB", "usedGiB", "adopted"];
/** Fields that make it a different domain. */
const REPLACES = ["type", "address", "path", "nfsVersion"];

function specOf(inputs: Props): StorageDomainSpec {
  return {
    name: inputs.name,
    type: inputs.type,
    host: inputs.host,
    address: inputs.address,
    path: inputs.path,
    dataCenter: inputs.dataCenter,
    nfsVersion: inputs.nfsVersion,
  };
}

function outputsOf(inputs: Props, rec: StorageDomainRecord, adopted: boolean): Props {
  return {
    ...inputs,
    status: rec.status,
    dataCenterId: rec.dataCenter ?? null,
    availableGiB: rec.availableGiB ?? null,
    usedGiB: rec.usedGiB ?? null,
    adopted,
  };
}

const DEFAULT_TIMEOUT_MS = 20 * 60_000;
const DEFAULTS: Props = { nfsVersion: "auto" };

export const ovirtStorageDomainHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces = REPLACES.filter((k) => !same(olds[k] ?? DEFAULTS[k], news[k] ?? DEFAULTS[k]));
    // A refresh that found the domain in maintenance or detached: update brings it back active.
    const degraded = typeof olds.status === "string" && olds.status !== "active";
    const changes = replaces.length > 0 || degraded || inputsChanged(olds, news, COMPUTED, REPLACES);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs, ctx) {
    const client = ovirtClient(inputs.connection);
    let ours: { record: StorageDomainRecord; adopted: boolean } | undefined;
    try {
      const r = await ensureStorageDomain({
        client,
        spec: specOf(inputs),
        timeoutMs: ctx.timeoutMs,
        onProgress: ctx.say,
        adopt: inputs.adopt ?? true,
        onIdentified: (record, adopted) => (ours = { record, adopted }),
      });
      return { id: r.record.id, outs: outputsOf(inputs, r.record, r.adopted) };
    } catch (err) {
      // Created (or adopted) but not yet attached/active: record it, so the next `up` converges.
      if (ours?.record.id)
        throw partialCreate(inputs, ours.record.id, outputsOf(inputs, ours.record, ours.adopted), err);
      throw err;
    }
  },

  async read(id, props) {
    const rec = await readStorageDomain(ovirtClient(props.connection), id);
    if (!rec) return undefined;
    // The declared data center stays as declared: a detached domain shows in status and
    // dataCenterId, and the next `up` re-attaches it (an update, not a replace).
    return {
      ...outputsOf(props, rec, props.adopted ?? false),
      name: rec.name,
      // What the engine leaves out (or spells with a trailing slash) is no drift.
      ...(rec.type !== "unknown" ? { type: rec.type } : {}),
      ...(rec.address !== undefined ? { address: rec.address } : {}),
      ...(rec.path !== undefined && trimmed(rec.path) !== trimmed(props.path ?? "")
        ? { path: rec.path }
        : {}),
    };
  },

  async update(id, olds, news, ctx) {
    const client = ovirtClient(news.connection);
    // The same idempotent flow, held to this domain: renames, moves, re-attaches, re-activates.
    const r = await ensureStorageDomain({
      client,
      spec: specOf(news),
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
      adopt: true,
      expectId: id,
    });
    return outputsOf(news, r.record, olds.adopted ?? false);
  },

  async delete(id, props, ctx) {
    const r = await removeStorageDomain({
      client: ovirtClient(props.connection),
      id,
      dataCenter: props.dataCenter,
      host: props.host,
      format: props.formatOnDelete ?? false,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    if (r.alreadyGone) ctx.say(`storage domain ${props.name} (${id}) is already gone; nothing to remove`);
  },
});

function trimmed(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, "") : path;
}
