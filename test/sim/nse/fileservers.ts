/**
 * File servers (reference A5): seeded (see state.ts SEED); `GET /v2.1/fileservers` (filters
 * subtenant_id, tenant_id, name), `GET /v2.1/fileservers/{id}`, and `DELETE /{id}` → 412 while
 * any file share remains ("all file shares must be deleted before their file server"), else 202
 * and gone when the job succeeds. Creating file servers is not modelled (`sim.addFileServer`).
 */
import { acceptedAnswer, listAnswer, notFound, oneAnswer, precondition } from "./envelope";
import { renderJob } from "./jobs";
import type { FileServerRecord, Json } from "./models";
import { nameMatcher, page, paging } from "./query";
import type { NseRouter } from "./router";
import type { NseState } from "./state";

export const FILESERVER_TYPE = "ontap_fileservers";

function render(state: NseState, fs: FileServerRecord): Json {
  const shares = [...state.shares.values()].filter((s) => s.fileserver_id === fs.id).length;
  return {
    ...fs,
    subtenant: state.subtenants.get(fs.subtenant_id)?.name ?? "",
    state: "Operational",
    fileshare_count: shares,
  };
}

export function installFileServerRoutes(router: NseRouter): void {
  router.add("GET", "/v2.1/fileservers", (ctx) => {
    const q = ctx.req.query;
    const p = paging(q, { sort_by: "name", order_by: "asc" }, ["name", "id", "zone"]);
    const matchName = nameMatcher(q.get("name"));
    const items = [...ctx.state.fileServers.values()].filter(
      (f) =>
        matchName(f.name) &&
        (!q.get("subtenant_id") || f.subtenant_id === q.get("subtenant_id")) &&
        (!q.get("tenant_id") || f.tenant_id === q.get("tenant_id")),
    );
    const { page: servers, total } = page(items, p, (f, attr) => (f as unknown as Json)[attr] as string);
    return listAnswer(
      servers.map((f) => render(ctx.state, f)),
      total,
      p,
    );
  });
  router.add("GET", "/v2.1/fileservers/:id", (ctx) => {
    const fs = ctx.state.fileServers.get(ctx.req.params["id"]!);
    if (!fs) throw notFound(`File server '${ctx.req.params["id"]}'`);
    return oneAnswer(render(ctx.state, fs));
  });
  router.add("DELETE", "/v2.1/fileservers/:id", (ctx) => {
    const { state } = ctx;
    const id = ctx.req.params["id"]!;
    const fs = state.fileServers.get(id);
    if (!fs) throw notFound(`File server '${id}'`);
    const shares = [...state.shares.values(), ...state.pendingShares.values()].filter(
      (s) => s.fileserver_id === id,
    );
    if (shares.length)
      throw precondition(
        `File server '${fs.name}' still has ${shares.length} file share(s); delete them first.`,
      );
    if (state.busy(id)) throw precondition(`Another operation is in progress on file server '${fs.name}'.`);
    const job = state.createJob({
      action: "delete",
      objectId: id,
      objectType: FILESERVER_TYPE,
      objectName: fs.name,
      what: `Deletion of file server '${fs.name}'`,
      user: ctx.user,
      tenantId: fs.tenant_id,
      tasks: [
        {
          action: "delete",
          driver: "ontap_ansible",
          resource_type: "ontap_svm",
          request_payload: { svm_name: fs.name, cluster_password: state.backendPassword },
        },
      ],
      lockId: id,
      effect: () => void state.fileServers.delete(id),
    });
    return acceptedAnswer(renderJob(state, job));
  });
}
