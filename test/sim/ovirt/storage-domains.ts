/**
 * Storage domains (seed 2.7, 2.10–2.13; issue 11): NFS data and ISO domains.
 *
 *   POST /storagedomains {name, type, storage{type:nfs,address,path}, host, storage_format}
 *        → `unattached` (a `data_center` in the body is ignored: the seed attaches separately)
 *   POST /datacenters/{dc}/storagedomains {id|name}   attach → `maintenance` (seed 2.12)
 *   POST /datacenters/{dc}/storagedomains/{sd}/activate   `activating` → `active` (seed 2.13)
 *   POST /datacenters/{dc}/storagedomains/{sd}/deactivate `preparing_for_maintenance` → `maintenance`;
 *        refused for the master data domain while other data domains of its DC are active
 *   DELETE /datacenters/{dc}/storagedomains/{sd}          detach (from maintenance): `locked` → `unattached`
 *   PUT /storagedomains/{sd} {name?, description?, comment?}   edit (a rename); other fields ignored
 *   DELETE /storagedomains/{sd}   remove an unattached domain; v4 `?host=..&format=true`,
 *                                 v3 body `{host:{name}, format:"true"}`. Without format the
 *                                 export keeps the old domain and cannot be reused.
 *   GET /storagedomains/{sd}/files   ISO files (seed 2.7; a file's id is its name, seed 2.17)
 */
import { bool, num, obj, refOf, str, type Json } from "./codec";
import { OvirtState } from "./engine-state";
import { badRequest, conflict, EngineFault, incomplete, NotFound } from "./errors";
import { RUNNING_STATUSES, type StorageDomainRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";
import { resolveHost } from "./hosts";

const GiB = 1024 ** 3;
const opTag = (sd: StorageDomainRecord): string => `sd:${sd.id}:op`;

/** Domain names: letters, digits, '_', '-' and '.', at most 50 (as for VMs; the limit is from memory). */
const DOMAIN_NAME = /^[\w.-]{1,50}$/;
const badName = (verb: string): EngineFault =>
  badRequest(
    `Cannot ${verb} Storage. The given name contains special characters. Only lower-case and upper-case letters, numbers, '_', '-' and '.' are allowed, at most 50.`,
  );

function statusIllegal(action: string, sd: StorageDomainRecord): EngineFault {
  return conflict(`Cannot ${action} Storage. The relevant Storage Domain's status is ${sd.status}.`);
}

export function renderDomain(ctx: Ctx, sd: StorageDomainRecord, dcScoped = false): Json {
  const c = ctx.codec;
  const base =
    dcScoped && sd.dataCenterId
      ? `/datacenters/${sd.dataCenterId}/storagedomains/${sd.id}`
      : `/storagedomains/${sd.id}`;
  const out: Json = {
    id: sd.id,
    href: c.href(base),
    name: sd.name,
    ...(sd.description !== undefined ? { description: sd.description } : {}),
    ...(sd.comment !== undefined ? { comment: sd.comment } : {}),
    type: sd.type,
    master: c.bool(sd.master),
    ...c.status(sd.status),
    storage: { type: sd.storageType, address: sd.address, path: sd.path },
    storage_format: sd.storageFormat,
    available: c.long(Math.max(0, sd.availableBytes - sd.usedBytes)),
    used: c.long(sd.usedBytes),
    committed: c.long(sd.usedBytes),
    host: c.ref("/hosts", sd.hostId),
  };
  if (sd.dataCenterId) {
    out["data_centers"] = { data_center: [c.ref("/datacenters", sd.dataCenterId)] };
    if (dcScoped) out["data_center"] = c.ref("/datacenters", sd.dataCenterId);
  }
  if (dcScoped) out["actions"] = c.actions(base, ["activate", "deactivate"]);
  out["link"] = c.links(`/storagedomains/${sd.id}`, sd.type === "iso" ? ["files"] : ["disks"]);
  return out;
}

function addDomain(ctx: Ctx): StorageDomainRecord {
  const state = ctx.state;
  const body = ctx.body();
  const name = str(body["name"]);
  if (name === undefined) throw incomplete("StorageDomain", "name");
  if (!DOMAIN_NAME.test(name)) throw badName("add");
  const type = str(body["type"]);
  if (type === undefined) throw incomplete("StorageDomain", "type");
  if (type !== "data" && type !== "iso" && type !== "export")
    throw badRequest(`Invalid value '${type}' for 'type'`);
  const storage = obj(body["storage"]);
  const storageType = str(storage?.["type"]);
  const address = str(storage?.["address"]);
  const path = str(storage?.["path"]);
  if (!storageType || address === undefined || path === undefined)
    throw incomplete("StorageDomain", "storage.type|address|path");
  if (storageType !== "nfs")
    throw badRequest(`Storage type '${storageType}' is not modelled by the simulator (NFS only).`);
  const hostRef = body["host"];
  if (hostRef === undefined) throw incomplete("StorageDomain", "host.id|name");
  const hostId = resolveHost(state, hostRef);
  if (!hostId) throw new EngineFault(404, ["Entity not found: Host"], "Operation Failed", true);
  const host = state.host(hostId);
  if (host.status !== "up") throw conflict(`Cannot add Storage. Host ${host.name} is not Up.`);
  if ([...state.domains.values()].some((d) => d.name === name))
    throw conflict("Cannot add Storage. The Storage Domain name is already in use.");
  const exportKey = `${address}:${path}`;
  if (state.usedExports.has(exportKey))
    throw conflict(
      `Cannot add Storage Connection. The storage path ${exportKey} already holds a storage domain.`,
    );
  const format = str(body["storage_format"]) ?? (state.info.version.major >= 4 ? "v4" : "v3");
  const sd: StorageDomainRecord = {
    id: state.newId(),
    name,
    type,
    storageType,
    address,
    path,
    storageFormat: format,
    hostId,
    status: "unattached",
    master: false,
    availableBytes:
      (num(obj(body["storage"])?.["size"], "storage.size") ?? 500) * (type === "data" ? GiB : GiB / 5),
    usedBytes: 0,
    files: [],
  };
  state.domains.set(sd.id, sd);
  state.usedExports.add(exportKey);
  state.event(
    960,
    "normal",
    `Storage Domain ${name} was added by ${ctx.caller.user}.`,
    { storageDomainId: sd.id },
    ctx.correlationId,
  );
  return sd;
}

function removeDomain(ctx: Ctx, sd: StorageDomainRecord): void {
  const state = ctx.state;
  let hostKey: unknown;
  let format: boolean;
  if (ctx.dialect === "v4") {
    const h = ctx.param("host");
    hostKey = h === undefined ? undefined : OvirtState.isGuid(h) ? { id: h } : { name: h };
    format = ctx.param("format")?.toLowerCase() === "true";
  } else {
    const body = ctx.body();
    hostKey = body["host"];
    format = bool(body["format"], "format") ?? false;
  }
  if (hostKey === undefined) throw incomplete("StorageDomain", "host.id|name", "remove");
  if (!resolveHost(state, hostKey))
    throw new EngineFault(404, ["Entity not found: Host"], "Operation Failed", true);
  if (sd.status !== "unattached") {
    if (sd.dataCenterId)
      throw conflict(
        "Cannot remove Storage. The Storage Domain is attached to a Data Center; detach it first.",
      );
    throw statusIllegal("remove", sd);
  }
  if ([...state.disks.values()].some((d) => d.storageDomainId === sd.id) && !format)
    throw conflict("Cannot remove Storage. The Storage Domain contains disks; remove them or use format.");
  state.domains.delete(sd.id);
  for (const d of [...state.disks.values()]) if (d.storageDomainId === sd.id) state.disks.delete(d.id);
  if (format) state.usedExports.delete(`${sd.address}:${sd.path}`);
  state.event(
    962,
    "normal",
    `Storage Domain ${sd.name} was removed${format ? " and formatted" : ""}.`,
    { storageDomainId: sd.id },
    ctx.correlationId,
  );
}

/** While the engine is working on a domain it takes no edit. */
const BUSY = new Set<StorageDomainRecord["status"]>(["locked", "activating", "preparing_for_maintenance"]);

/** PUT /storagedomains/{sd}: name, description and comment; the storage itself cannot change. */
function editDomain(ctx: Ctx, sd: StorageDomainRecord): void {
  const state = ctx.state;
  const body = ctx.body();
  const name = str(body["name"]);
  if (name !== undefined && !DOMAIN_NAME.test(name)) throw badName("edit");
  if (BUSY.has(sd.status)) throw statusIllegal("edit", sd);
  if (name !== undefined && [...state.domains.values()].some((d) => d.id !== sd.id && d.name === name))
    throw conflict("Cannot edit Storage. The Storage Domain name is already in use.");
  const before = sd.name;
  if (name !== undefined) sd.name = name;
  const description = str(body["description"]);
  if (description !== undefined) sd.description = description;
  const comment = str(body["comment"]);
  if (comment !== undefined) sd.comment = comment;
  state.event(
    963,
    "normal",
    name !== undefined && name !== before
      ? `Storage Domain ${before} was renamed to ${name} by ${ctx.caller.user}.`
      : `Storage Domain ${sd.name} was updated by ${ctx.caller.user}.`,
    { storageDomainId: sd.id },
    ctx.correlationId,
  );
}

/**
 * The master data domain leaves only last: while other data domains of its data center are
 * active the engine refuses to deactivate it (the text is the simulator's own).
 */
function masterBlocker(state: OvirtState, sd: StorageDomainRecord): EngineFault | undefined {
  if (!sd.master || sd.type !== "data") return undefined;
  const others = [...state.domains.values()].filter(
    (d) => d.id !== sd.id && d.type === "data" && d.dataCenterId === sd.dataCenterId && d.status === "active",
  );
  if (!others.length) return undefined;
  return conflict(
    `Cannot deactivate Storage. Storage Domain ${sd.name} is the master domain of its Data Center, ` +
      `which has other active data Storage Domains (${others.map((d) => d.name).join(", ")}); deactivate them first.`,
  );
}

function dcDomain(ctx: Ctx): StorageDomainRecord {
  const dc = ctx.state.dataCenter(ctx.params["dc"]);
  const sd = ctx.state.domain(ctx.params["sd"]);
  if (sd.dataCenterId !== dc.id) throw new NotFound();
  return sd;
}

function transition(
  state: OvirtState,
  sd: StorageDomainRecord,
  via: StorageDomainRecord["status"],
  then: (at: number) => void,
): void {
  sd.status = via;
  state.scheduler.cancel(opTag(sd));
  state.scheduler.after(state.timings.domainOpMs, opTag(sd), then);
}

export function deactivateDomain(state: OvirtState, sd: StorageDomainRecord, correlationId?: string): void {
  transition(state, sd, "preparing_for_maintenance", (at) => {
    sd.status = "maintenance";
    state.event(
      968,
      "normal",
      `Storage Domain ${sd.name} was deactivated.`,
      { storageDomainId: sd.id },
      correlationId,
      at,
    );
  });
}

export function installStorageDomainRoutes(router: OvirtRouter): void {
  router.add("GET", "/storagedomains", (ctx) => {
    const items = applySearch(ctx, [...ctx.state.domains.values()], {
      name: (d) => d.name,
      id: (d) => d.id,
      type: (d) => d.type,
      status: (d) => d.status,
      datacenter: (d) => (d.dataCenterId ? ctx.state.dataCenters.get(d.dataCenterId)?.name : undefined),
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "storage_domain",
        items.map((d) => renderDomain(ctx, d)),
      ),
    };
  });
  router.add("POST", "/storagedomains", (ctx) => {
    const sd = addDomain(ctx);
    return {
      status: 201,
      headers: { Location: ctx.codec.href(`/storagedomains/${sd.id}`) },
      body: renderDomain(ctx, sd),
    };
  });
  router.add("GET", "/storagedomains/:id", (ctx) => ({
    status: 200,
    body: renderDomain(ctx, ctx.state.domain(ctx.params["id"])),
  }));
  router.add("PUT", "/storagedomains/:id", (ctx) => {
    const sd = ctx.state.domain(ctx.params["id"]);
    editDomain(ctx, sd);
    return { status: 200, body: renderDomain(ctx, sd) };
  });
  router.add("DELETE", "/storagedomains/:id", (ctx) => {
    removeDomain(ctx, ctx.state.domain(ctx.params["id"]));
    return { status: 200 };
  });
  router.add("GET", "/storagedomains/:id/files", (ctx) => {
    const sd = ctx.state.domain(ctx.params["id"]);
    const files = sd.type === "iso" && sd.status === "active" ? sd.files : [];
    const c = ctx.codec;
    return {
      status: 200,
      body: c.collection(
        "file",
        files.map((f) => ({
          id: f,
          name: f,
          href: c.href(`/storagedomains/${sd.id}/files/${encodeURIComponent(f)}`),
          storage_domain: c.ref("/storagedomains", sd.id),
        })),
      ),
    };
  });
  router.add("GET", "/storagedomains/:id/files/:fid", (ctx) => {
    const sd = ctx.state.domain(ctx.params["id"]);
    const f = ctx.params["fid"]!;
    if (sd.type !== "iso" || !sd.files.includes(f)) throw new NotFound();
    const c = ctx.codec;
    return {
      status: 200,
      body: {
        id: f,
        name: f,
        href: c.href(`/storagedomains/${sd.id}/files/${encodeURIComponent(f)}`),
        storage_domain: c.ref("/storagedomains", sd.id),
      },
    };
  });
  // ---- data center scope ----
  router.add("GET", "/datacenters/:dc/storagedomains", (ctx) => {
    const dc = ctx.state.dataCenter(ctx.params["dc"]);
    const items = applySearch(
      ctx,
      [...ctx.state.domains.values()].filter((d) => d.dataCenterId === dc.id),
      { name: (d) => d.name, id: (d) => d.id, status: (d) => d.status, type: (d) => d.type },
    );
    return {
      status: 200,
      body: ctx.codec.collection(
        "storage_domain",
        items.map((d) => renderDomain(ctx, d, true)),
      ),
    };
  });
  router.add("POST", "/datacenters/:dc/storagedomains", (ctx) => {
    const state = ctx.state;
    const dc = state.dataCenter(ctx.params["dc"]);
    const ref = refOf(ctx.body());
    if (!ref) throw incomplete("StorageDomain", "id|name");
    const sd = ref.id
      ? state.domains.get(ref.id)
      : [...state.domains.values()].find((d) => d.name === ref.name);
    if (!sd)
      throw new EngineFault(
        404,
        [`Entity not found: StorageDomain: ${ref.id ? `id=${ref.id}` : `name=${ref.name}`}`],
        "Operation Failed",
        true,
      );
    if (sd.dataCenterId)
      throw conflict("Cannot attach Storage. Storage Domain is already attached to a Data Center.");
    if (sd.status !== "unattached") throw statusIllegal("attach", sd);
    if (
      sd.type === "iso" &&
      [...state.domains.values()].some((d) => d.type === "iso" && d.dataCenterId === dc.id)
    )
      throw conflict("Cannot attach Storage. The Data Center already has an ISO Storage Domain attached.");
    sd.dataCenterId = dc.id;
    if (sd.type === "data" && ![...state.domains.values()].some((d) => d.master && d.dataCenterId === dc.id))
      sd.master = true;
    const done = (at: number): void => {
      sd.status = "maintenance";
      state.event(
        966,
        "normal",
        `Storage Domain ${sd.name} was attached to Data Center ${dc.name}.`,
        { storageDomainId: sd.id, dataCenterId: dc.id },
        ctx.correlationId,
        at,
      );
    };
    if (state.options.domainAttach === "locked") transition(state, sd, "locked", done);
    else done(state.now());
    return {
      status: 201,
      headers: { Location: ctx.codec.href(`/datacenters/${dc.id}/storagedomains/${sd.id}`) },
      body: renderDomain(ctx, sd, true),
    };
  });
  router.add("GET", "/datacenters/:dc/storagedomains/:sd", (ctx) => ({
    status: 200,
    body: renderDomain(ctx, dcDomain(ctx), true),
  }));
  router.add("DELETE", "/datacenters/:dc/storagedomains/:sd", (ctx) => {
    const state = ctx.state;
    const sd = dcDomain(ctx);
    if (sd.status !== "maintenance") throw statusIllegal("detach", sd);
    transition(state, sd, "locked", (at) => {
      sd.status = "unattached";
      sd.dataCenterId = undefined;
      sd.master = false;
      state.event(
        967,
        "normal",
        `Storage Domain ${sd.name} was detached.`,
        { storageDomainId: sd.id },
        ctx.correlationId,
        at,
      );
    });
    return { status: 200 };
  });
  router.add(
    "POST",
    "/datacenters/:dc/storagedomains/:sd/activate",
    (ctx) => {
      const state = ctx.state;
      const sd = dcDomain(ctx);
      if (sd.status === "active")
        throw conflict("Cannot activate Storage. The Storage Domain is already active.");
      if (sd.status !== "maintenance") throw statusIllegal("activate", sd);
      const job = state.startJob(`Activating Storage Domain ${sd.name}`, ctx.correlationId, ctx.caller.user);
      transition(state, sd, "activating", (at) => {
        sd.status = "active";
        state.event(
          964,
          "normal",
          `Storage Domain ${sd.name} was activated.`,
          { storageDomainId: sd.id },
          ctx.correlationId,
          at,
        );
        state.endJob(job, true, at);
      });
      return { status: 200, body: ctx.codec.actionResult(job.id) };
    },
    { action: true, service: "attachedstoragedomain/methods/activate" },
  );
  router.add(
    "POST",
    "/datacenters/:dc/storagedomains/:sd/deactivate",
    (ctx) => {
      const state = ctx.state;
      const sd = dcDomain(ctx);
      if (sd.status !== "active") throw statusIllegal("deactivate", sd);
      const master = masterBlocker(state, sd);
      if (master) throw master;
      const running = [...state.vms.values()].filter(
        (vm) =>
          RUNNING_STATUSES.has(vm.status) &&
          state.attachmentsOf(vm.id).some((a) => state.disks.get(a.diskId)?.storageDomainId === sd.id),
      );
      if (running.length)
        throw conflict(
          `Cannot deactivate Storage. The following VMs are running with disks on the Storage Domain: ${running.map((v) => v.config.name).join(", ")}.`,
        );
      const job = state.startJob(
        `Deactivating Storage Domain ${sd.name}`,
        ctx.correlationId,
        ctx.caller.user,
      );
      deactivateDomain(state, sd, ctx.correlationId);
      state.scheduler.after(state.timings.domainOpMs, `job:${job.id}`, (at) => state.endJob(job, true, at));
      return { status: 200, body: ctx.codec.actionResult(job.id) };
    },
    { action: true, service: "attachedstoragedomain/methods/deactivate" },
  );
}
