/**
 * The VM's CD-ROM (seed 2.17; reference §1.10, §2): the single device (id all zeros) holds an ISO
 * file id from an ISO domain, or nothing. The persisted setting is `PUT /vms/{id}/cdroms/{cid}`
 * `{"file":{"id":…}}` (`""` ejects); while the VM runs, the same PUT with `current` (v4
 * `?current=true`, v3 `;current`) changes the running VM too. v3 VMs without a CD-ROM device get
 * one by POST, as the seed's `cdroms.add` does.
 */
import { list, obj, ref, str, ZERO_ID } from "./codec";
import type { VmOp } from "./vm-types";

export async function readCdrom(op: VmOp, vmId: string): Promise<{ id: string; iso?: string } | undefined> {
  const body = await op.client.getOrUndefined(`/vms/${vmId}/cdroms`, "listCdroms");
  const cd = list(body, "cdrom")[0];
  if (!cd) return undefined;
  const iso = ref(cd.file).id ?? str(obj(cd.file)?.name);
  return { id: str(cd.id) ?? ZERO_ID, ...(iso ? { iso } : {}) };
}

/** Puts `iso` ("" = empty) in the drive: persisted, and in the running VM when `running`. */
export async function setCdrom(
  op: VmOp,
  vm: { id: string; name: string; running: boolean },
  iso: string,
): Promise<void> {
  const cd = await readCdrom(op, vm.id);
  if (!cd) {
    if (!iso) return;
    op.onProgress?.(`attaching ISO ${iso}`);
    await op.client.request({
      method: "POST",
      path: `/vms/${vm.id}/cdroms`,
      body: { file: { id: iso } },
      operation: "addCdrom",
      target: vm.name,
      idempotent: true,
      correlationId: op.correlationId,
    });
    return;
  }
  if ((cd.iso ?? "") === iso) return;
  op.onProgress?.(iso ? `attaching ISO ${iso}` : "ejecting the CD");
  for (const current of vm.running ? [true, false] : [false]) {
    const shaped = op.adapter.cdrom(vm.id, cd.id, current);
    await op.client.request({
      method: "PUT",
      path: shaped.path,
      query: shaped.query,
      body: { file: { id: iso } },
      operation: current ? "changeCdromNow" : "changeCdrom",
      target: vm.name,
      idempotent: true,
      correlationId: op.correlationId,
    });
  }
}
