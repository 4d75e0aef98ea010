/**
 * Snapshots and tags of a file share (reference A5): `POST|DELETE
 * /v2.1/fileshares/{id}/snapshot/{name}` → 202 job (the snapshot shows in the share's
 * `snapshots[]` once it succeeds, and goes when a delete succeeds); `POST /v2.1/fileshares/{id}/tags`
 * → 202 job that replaces the tags whole (the body shape is UNCONFIRMED: `{tags: [...]}`, a bare
 * array, or a map).
 */
import { acceptedAnswer, badRequest, notFound } from "./envelope";
import { ontapTask, requireIdle, SHARE_TYPE, visibleShare } from "./fileshares";
import { renderJob } from "./jobs";
import type { NseRouter } from "./router";
import * as v from "./validate";

/** object_type of snapshot jobs (**invented**; the docs show none). */
export const SNAPSHOT_TYPE = "ontap_snapshots";

export function installSnapshotRoutes(router: NseRouter): void {
  router.add("POST", "/v2.1/fileshares/:id/snapshot/:name", (ctx) => {
    const { state } = ctx;
    const id = ctx.req.params["id"]!;
    const name = ctx.req.params["name"]!;
    const share = visibleShare(state, id);
    if (!v.SNAPSHOT_NAME_RE.test(name))
      throw badRequest("snapshot name may hold letters, digits, '_', '-' and '.' (1-255 characters).");
    if (share.snapshots.some((s) => s.name === name))
      throw badRequest(`Snapshot '${name}' already exists on file share '${share.name}'.`);
    requireIdle(state, id);
    const job = state.createJob({
      action: "create",
      objectId: id,
      objectType: SNAPSHOT_TYPE,
      objectName: name,
      what: `Creation of snapshot '${name}' of file share '${share.name}'`,
      user: ctx.user,
      tenantId: share.tenant_id,
      tasks: [ontapTask(state, "create", { volume_name: share.name, snapshot_name: name }, "ontap_snapshot")],
      lockId: id,
      effect: () => {
        const live = state.shares.get(id);
        if (live && !live.snapshots.some((s) => s.name === name))
          live.snapshots.push({ name, created: new Date(state.now()).toISOString() });
      },
    });
    return acceptedAnswer(renderJob(state, job));
  });

  router.add("DELETE", "/v2.1/fileshares/:id/snapshot/:name", (ctx) => {
    const { state } = ctx;
    const id = ctx.req.params["id"]!;
    const name = ctx.req.params["name"]!;
    const share = visibleShare(state, id);
    if (!share.snapshots.some((s) => s.name === name)) throw notFound(`Snapshot '${name}'`);
    requireIdle(state, id);
    const job = state.createJob({
      action: "delete",
      objectId: id,
      objectType: SNAPSHOT_TYPE,
      objectName: name,
      what: `Deletion of snapshot '${name}' of file share '${share.name}'`,
      user: ctx.user,
      tenantId: share.tenant_id,
      tasks: [ontapTask(state, "delete", { volume_name: share.name, snapshot_name: name }, "ontap_snapshot")],
      lockId: id,
      effect: () => {
        const live = state.shares.get(id);
        if (live) live.snapshots = live.snapshots.filter((s) => s.name !== name);
      },
    });
    return acceptedAnswer(renderJob(state, job));
  });

  router.add("POST", "/v2.1/fileshares/:id/tags", (ctx) => {
    const { state } = ctx;
    const id = ctx.req.params["id"]!;
    const share = visibleShare(state, id);
    const raw = ctx.req.body;
    const given = Array.isArray(raw)
      ? raw
      : ctx.body()["tags"] !== undefined
        ? ctx.body()["tags"]
        : ctx.body();
    const tags = v.tags(given) ?? [];
    requireIdle(state, id);
    const job = state.createJob({
      action: "update",
      objectId: id,
      objectType: SHARE_TYPE,
      objectName: share.name,
      what: `Update of the tags of file share '${share.name}'`,
      user: ctx.user,
      tenantId: share.tenant_id,
      tasks: [ontapTask(state, "update", { volume_name: share.name, tags })],
      lockId: id,
      effect: () => {
        const live = state.shares.get(id);
        if (live) live.tags = structuredClone(tags);
      },
    });
    return acceptedAnswer(renderJob(state, job));
  });
}
