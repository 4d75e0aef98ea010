/**
 * The VM's single CD-ROM, id 00000000-0000-0000-0000-000000000000 (reference §1.10; seed 2.17).
 * Without `current` a change is persisted and applies from the next boot; with `current` it
 * changes only the running VM's drive and is never persisted (a down VM → 409, **invented**
 * text). v4 reads `?current=true`; v3 reads the matrix `;current`, and a v3 query `current` counts
 * as true whenever present (reference §2). v3 also has the seed's `cdroms.add` (POST) and eject by
 * DELETE; v4 changes the CD only by PUT (`file.id` "" ejects).
 */
import { obj, str, type Json } from "./codec";
import { conflict, incomplete, NotFound } from "./errors";
import { RUNNING_STATUSES, ZERO_GUID, type VmRecord } from "./models";
import type { Ctx, OvirtRouter } from "./router";
import { requireIso } from "./vm-power";

function isCurrent(ctx: Ctx): boolean {
  if (ctx.dialect === "v4") return ctx.param("current")?.toLowerCase() === "true";
  const matrix = ctx.matrix("current");
  if (matrix !== undefined) return matrix === "" || matrix.toLowerCase() === "true";
  return ctx.req.query.has("current");
}

function renderCdrom(ctx: Ctx, vm: VmRecord, current: boolean): Json {
  const c = ctx.codec;
  const file = current && RUNNING_STATUSES.has(vm.status) ? (vm.cdromCurrent ?? "") : vm.cdrom;
  const out: Json = {
    id: ZERO_GUID,
    href: c.href(`/vms/${vm.id}/cdroms/${ZERO_GUID}`),
    vm: c.ref("/vms", vm.id),
  };
  if (file) out["file"] = { id: file };
  return out;
}

function setCd(ctx: Ctx, vm: VmRecord, file: string, current: boolean): void {
  if (vm.status === "image_locked" || vm.removing)
    throw conflict("Cannot change CD: VM is locked. Please try again in a few minutes.");
  if (current) {
    if (!RUNNING_STATUSES.has(vm.status)) throw conflict("Cannot change CD. VM is not running.");
    requireIso(ctx.state, vm, file);
    vm.cdromCurrent = file;
    return;
  }
  vm.cdrom = file;
}

function cdromOf(ctx: Ctx): VmRecord {
  const vm = ctx.state.vm(ctx.params["id"]);
  if (ctx.params["cid"] !== undefined && ctx.params["cid"] !== ZERO_GUID) throw new NotFound();
  return vm;
}

export function installCdromRoutes(router: OvirtRouter): void {
  router.add("GET", "/vms/:id/cdroms", (ctx) => {
    const vm = cdromOf(ctx);
    return { status: 200, body: ctx.codec.collection("cdrom", [renderCdrom(ctx, vm, isCurrent(ctx))]) };
  });
  router.add("GET", "/vms/:id/cdroms/:cid", (ctx) => {
    const vm = cdromOf(ctx);
    return { status: 200, body: renderCdrom(ctx, vm, isCurrent(ctx)) };
  });
  router.add("PUT", "/vms/:id/cdroms/:cid", (ctx) => {
    const vm = cdromOf(ctx);
    const file = obj(ctx.body()["file"]);
    if (!file) throw incomplete("CdRom", "file.id", "update");
    const current = isCurrent(ctx);
    setCd(ctx, vm, str(file["id"]) ?? "", current);
    return { status: 200, body: renderCdrom(ctx, vm, current) };
  });
  const v3 = { dialects: ["v3"] as const };
  router.add(
    "POST",
    "/vms/:id/cdroms",
    (ctx) => {
      const vm = cdromOf(ctx);
      const file = str(obj(ctx.body()["file"])?.["id"]);
      if (file === undefined) throw incomplete("CdRom", "file.id");
      setCd(ctx, vm, file, isCurrent(ctx));
      return { status: 201, body: renderCdrom(ctx, vm, isCurrent(ctx)) };
    },
    v3,
  );
  router.add(
    "DELETE",
    "/vms/:id/cdroms/:cid",
    (ctx) => {
      const vm = cdromOf(ctx);
      setCd(ctx, vm, "", isCurrent(ctx));
      return { status: 200 };
    },
    v3,
  );
}
