/**
 * Host approval (seed 002 §2.9): a hypervisor that registered itself waits in
 * `pending_approval`; approving it into a cluster makes the engine install it (`installing`)
 * until it is `up` (or `install_failed`). `approveHost` is safe to run again: a host already
 * approved into the declared cluster is only waited for, one in another cluster is a conflict.
 * Both dialects; knows nothing about Pulumi.
 */
import { ConflictError, JobFailedError } from "../../core/errors";
import { poll, type PollVerdict } from "../../core/poll";
import { newCorrelationId, withCorrelationId, type OvirtClient } from "./client";
import { obj, str, toWire } from "./codec";
import { withEngineEvents, hostRecordOf, requireByNameOrId, type HostRecord } from "./lists";

export type { HostRecord } from "./lists";

/** Statuses on the way from approval to `up`. */
const ON_THE_WAY = new Set([
  "installing",
  "initializing",
  "reboot",
  "connecting",
  "preparing_for_maintenance",
]);
/** Statuses an approval or install ends in when it failed. */
const FAILED = new Set(["install_failed", "non_operational", "non_responsive", "error", "kdumping"]);

/** Pure: waiting for an approved host to come up. */
export function classifyApprovedHost(rec: HostRecord | undefined): PollVerdict {
  if (!rec)
    return { status: "failure", state: "gone", message: "the host was removed while it was being installed" };
  if (rec.status === "up") return { status: "success", state: "up" };
  if (FAILED.has(rec.status))
    return { status: "failure", state: rec.status, message: `the engine reports the host ${rec.status}` };
  // pending_approval right after the POST: the engine has not started installing yet.
  return { status: "pending", state: rec.status };
}

/** GET /hosts/{id}; undefined on 404. */
export async function readHost(client: OvirtClient, id: string): Promise<HostRecord | undefined> {
  const w = obj(await client.getOrUndefined(`/hosts/${id}`, "getHost"));
  return w ? hostRecordOf(w) : undefined;
}

/**
 * Approves a pending host into `cluster` (name or id) and waits until it is `up`: POST
 * /hosts/{id}/approve with the cluster (seed 2.9). A host already in that cluster and past
 * approval is not approved again (it is waited for while installing). An install that fails is
 * a JobFailedError quoting the engine's events for the operation.
 */
export async function approveHost(opts: {
  client: OvirtClient;
  /** Name or id. */
  host: string;
  /** Name or id. */
  cluster: string;
  timeoutMs: number;
  onProgress?: (message: string) => void;
}): Promise<HostRecord> {
  const { client } = opts;
  const say = opts.onProgress;
  const correlationId = newCorrelationId("approveHost");
  const hostWire = await requireByNameOrId(client, "hosts", opts.host, "host");
  const clusterWire = await requireByNameOrId(client, "clusters", opts.cluster, "cluster");
  const clusterId = str(clusterWire.id) ?? "";
  const clusterName = str(clusterWire.name) ?? opts.cluster;
  let host = hostRecordOf(hostWire);

  if (host.status === "install_failed") {
    throw new JobFailedError(
      `oVirt: host ${host.name} is install_failed: an earlier approval or install failed`,
      {
        meta: {
          vendor: "ovirt",
          operation: "approveHost",
          lastState: host.status,
          remedy:
            "look at the host's events in the engine, fix the cause and reinstall the host, then run again",
        },
      },
    );
  }
  if (host.status !== "pending_approval") {
    if (host.cluster && host.cluster !== clusterId) {
      throw new ConflictError(
        `oVirt: host ${host.name} is already approved (${host.status}) into another cluster (${host.cluster}), not ${clusterName}`,
        {
          meta: {
            vendor: "ovirt",
            operation: "approveHost",
            remedy:
              "declare the host's cluster, or move the host in the engine (maintenance, then edit its cluster)",
          },
        },
      );
    }
    if (!ON_THE_WAY.has(host.status)) {
      say?.(`host ${host.name} is already approved into ${clusterName} (${host.status})`);
      return host;
    }
    say?.(`host ${host.name} is already approved into ${clusterName}; waiting for it to come up`);
  } else {
    say?.(`approving host ${host.name} into cluster ${clusterName}`);
    try {
      await client.request({
        method: "POST",
        path: `/hosts/${host.id}/approve`,
        body: toWire({ cluster: { id: clusterId } }),
        operation: "approveHost",
        // Transient refusals are retried; a repeat of an approval that landed is refused (not
        // pending any more), which the read below tells apart.
        idempotent: true,
        correlationId,
      });
    } catch (err) {
      // The approval landed (a lost reply, or a repeat refused) when the host left pending_approval.
      const now = await readHost(client, host.id).catch(() => undefined);
      if (!now || now.status === "pending_approval") throw err;
    }
  }

  try {
    const r = await poll({
      what: `oVirt host ${host.name} (approve into ${clusterName})`,
      label: `host ${host.name}`,
      describe: () => readHost(client, host.id),
      classify: classifyApprovedHost,
      timeoutMs: opts.timeoutMs,
      clock: client.clock,
      onProgress: say,
      meta: { vendor: "ovirt", operation: "approveHost" },
    });
    host = r.snapshot!;
  } catch (err) {
    throw withCorrelationId(await withEngineEvents(client, err, correlationId), correlationId);
  }
  return host;
}
