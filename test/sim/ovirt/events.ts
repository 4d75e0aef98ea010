/**
 * Events (seed 2.22; issue 11 "events since an id"): newest first, `from=<id>` returns only
 * events with a larger id, `search=` (severity, code, vm, correlation_id) and `page N` / `max`
 * as on every collection. Codes 30 (login) and 153 (VM started) and their texts are the seed's;
 * the other codes are **invented** stand-ins.
 */
import type { Json } from "./codec";
import { NotFound } from "./errors";
import type { EventRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";

function renderEvent(ctx: Ctx, e: EventRecord): Json {
  const c = ctx.codec;
  const out: Json = {
    id: String(e.id),
    href: c.href(`/events/${e.id}`),
    code: c.int(e.code),
    severity: e.severity,
    description: e.description,
    time: c.date(e.time),
    origin: "oVirt",
    custom_id: c.int(-1),
    flood_rate: c.int(30),
  };
  if (e.correlationId) out["correlation_id"] = e.correlationId;
  if (e.vmId) out["vm"] = { id: e.vmId };
  if (e.hostId) out["host"] = { id: e.hostId };
  if (e.storageDomainId) out["storage_domain"] = { id: e.storageDomainId };
  if (e.dataCenterId) out["data_center"] = { id: e.dataCenterId };
  if (e.clusterId) out["cluster"] = { id: e.clusterId };
  return out;
}

export function installEventRoutes(router: OvirtRouter): void {
  router.add("GET", "/events", (ctx) => {
    const from = Number(ctx.param("from") ?? "NaN");
    let events = [...ctx.state.events].reverse();
    if (Number.isFinite(from)) events = events.filter((e) => e.id > from);
    events = applySearch(ctx, events, {
      severity: (e) => e.severity,
      code: (e) => String(e.code),
      id: (e) => String(e.id),
      correlation_id: (e) => e.correlationId,
      vm: (e) => (e.vmId ? ctx.state.vms.get(e.vmId)?.config.name : undefined),
      description: (e) => e.description,
      name: (e) => e.description,
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "event",
        events.map((e) => renderEvent(ctx, e)),
      ),
    };
  });
  router.add("GET", "/events/:id", (ctx) => {
    const e = ctx.state.events.find((x) => String(x.id) === ctx.params["id"]);
    if (!e) throw new NotFound();
    return { status: 200, body: renderEvent(ctx, e) };
  });
}
