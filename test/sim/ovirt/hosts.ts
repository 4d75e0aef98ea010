/**
 * Hosts (seed 2.6, 2.9): list/get, `approve` of a host in `pending_approval` → `installing` →
 * `up` (or `install_failed` when armed), `deactivate` → `preparing_for_maintenance` →
 * `maintenance`, `activate` → `up`, and remove (not while operational).
 */
import { refOf, type Json } from "./codec";
import type { OvirtState } from "./engine-state";
import { conflict } from "./errors";
import { RUNNING_STATUSES, type HostRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { applySearch } from "./search";
import { entityNotFound } from "./vm-config";

const opTag = (h: HostRecord): string => `host:${h.id}:op`;

/** `{id}` or `{name}` reference → host id (undefined when no such host). */
export function resolveHost(state: OvirtState, v: unknown): string | undefined {
  const ref = refOf(v);
  if (!ref) return undefined;
  const host = ref.id ? state.hosts.get(ref.id) : [...state.hosts.values()].find((h) => h.name === ref.name);
  return host?.id;
}

export function renderHost(ctx: Ctx, h: HostRecord): Json {
  const c = ctx.codec;
  const base = `/hosts/${h.id}`;
  return {
    id: h.id,
    href: c.href(base),
    name: h.name,
    address: h.address,
    ...c.status(h.status),
    type: "rhel",
    cluster: c.ref("/clusters", h.clusterId),
    actions: c.actions(base, ["approve", "activate", "deactivate"]),
  };
}

function hostAction(ctx: Ctx, verb: "approve" | "activate" | "deactivate"): Json {
  const state = ctx.state;
  const host = state.host(ctx.params["id"]);
  const tag = opTag(host);
  const job = state.startJob(`${verb} host ${host.name}`, ctx.correlationId, ctx.caller.user);
  const fail = (message: string): never => {
    state.endJob(job, false);
    throw conflict(message);
  };
  if (verb === "approve") {
    if (host.status !== "pending_approval")
      fail(`Cannot approve Host. Host ${host.name} is not pending approval.`);
    const clusterRef = refOf(ctx.body()["cluster"]);
    if (clusterRef) {
      const cluster = clusterRef.id
        ? state.clusters.get(clusterRef.id)
        : [...state.clusters.values()].find((c) => c.name === clusterRef.name);
      if (!cluster) throw entityNotFound("Cluster", clusterRef);
      host.clusterId = cluster.id;
    }
    host.status = "installing";
    const fails = state.hostInstallFailuresArmed > 0;
    if (fails) state.hostInstallFailuresArmed -= 1;
    state.scheduler.after(state.timings.hostInstallMs, tag, (at) => {
      host.status = fails ? "install_failed" : "up";
      state.event(
        fails ? 505 : 13,
        fails ? "error" : "normal",
        fails ? `Host ${host.name} installation failed.` : `Host ${host.name} was activated by ${job.owner}.`,
        { hostId: host.id },
        job.correlationId,
        at,
      );
      state.endJob(job, !fails, at);
    });
  } else if (verb === "deactivate") {
    if (host.status !== "up") fail(`Cannot deactivate Host. Host ${host.name} is not Up.`);
    const running = [...state.vms.values()].filter(
      (v) => v.hostId === host.id && RUNNING_STATUSES.has(v.status),
    );
    if (running.length)
      fail(`Cannot deactivate Host. VMs are running on it: ${running.map((v) => v.config.name).join(", ")}.`);
    host.status = "preparing_for_maintenance";
    state.scheduler.after(state.timings.hostMaintenanceMs, tag, (at) => {
      host.status = "maintenance";
      state.endJob(job, true, at);
    });
  } else {
    if (host.status === "up") fail(`Cannot activate Host. Host ${host.name} is already Up.`);
    if (host.status === "pending_approval" || host.status === "installing")
      fail(`Cannot activate Host. Host ${host.name} is ${host.status}.`);
    state.scheduler.after(state.timings.hostMaintenanceMs, tag, (at) => {
      host.status = "up";
      state.endJob(job, true, at);
    });
  }
  return ctx.codec.actionResult(job.id);
}

export function installHostRoutes(router: OvirtRouter): void {
  router.add("GET", "/hosts", (ctx) => {
    const items = applySearch(ctx, [...ctx.state.hosts.values()], {
      name: (h) => h.name,
      id: (h) => h.id,
      status: (h) => h.status,
      cluster: (h) => ctx.state.clusters.get(h.clusterId)?.name,
      address: (h) => h.address,
    });
    return {
      status: 200,
      body: ctx.codec.collection(
        "host",
        items.map((h) => renderHost(ctx, h)),
      ),
    };
  });
  router.add("GET", "/hosts/:id", (ctx) => ({
    status: 200,
    body: renderHost(ctx, ctx.state.host(ctx.params["id"])),
  }));
  for (const verb of ["approve", "activate", "deactivate"] as const)
    router.add("POST", `/hosts/:id/${verb}`, (ctx) => ({ status: 200, body: hostAction(ctx, verb) }), {
      action: true,
      service: `host/methods/${verb}`,
    });
  router.add("DELETE", "/hosts/:id", (ctx) => {
    const state = ctx.state;
    const host = state.host(ctx.params["id"]);
    if (!["maintenance", "pending_approval", "install_failed"].includes(host.status))
      throw conflict(
        "Cannot remove Host. Host is operational. Please switch Host to Maintenance mode first.",
      );
    state.hosts.delete(host.id);
    return { status: 200 };
  });
}
