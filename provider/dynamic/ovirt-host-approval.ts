/**
 * Handler for `HostApproval` (oVirt 4.x / RHEV 3.6, seed 002 §2.9): approves a host waiting in
 * `pending_approval` into a cluster and waits until the engine has installed it (`up`). Host and
 * cluster replace (a new approval); timeouts update in place. A host already approved into the
 * declared cluster is taken as approved. Delete does nothing on the engine: the host stays
 * approved, in its cluster and running (said in a progress line); removing a host is an
 * administrator's decision (maintenance, then remove) that this resource does not make.
 */
import { z } from "zod";
import { timeoutsSchema } from "../inputs/common";
import { ovirtClient, ovirtConnectionSchema, ovirtRefSchema } from "../inputs/ovirt";
import { approveHost, readHost, type HostRecord } from "../vendors/ovirt/hosts";
import { defineHandler, inputsChanged, type Props } from "./kit";

export const KIND = "HostApproval";

function schema() {
  return z
    .object({
      connection: ovirtConnectionSchema,
      host: ovirtRefSchema,
      cluster: ovirtRefSchema,
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

const COMPUTED = ["hostName", "status", "clusterId", "address"];
const REPLACES = ["host", "cluster"];
/** The engine installs the host after the approval: minutes, not seconds. */
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

function outputsOf(inputs: Props, rec: HostRecord): Props {
  return {
    ...inputs,
    hostName: rec.name,
    status: rec.status,
    clusterId: rec.cluster ?? null,
    address: rec.address ?? null,
  };
}

export const ovirtHostApprovalHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces = REPLACES.filter((k) => olds[k] !== news[k]);
    const changes = replaces.length > 0 || inputsChanged(olds, news, COMPUTED, REPLACES);
    // Delete does nothing on the engine, so the order of a replace does not matter.
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async create(inputs, ctx) {
    const rec = await approveHost({
      client: ovirtClient(inputs.connection),
      host: inputs.host,
      cluster: inputs.cluster,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
    return { id: rec.id, outs: outputsOf(inputs, rec) };
  },

  async read(id, props) {
    const rec = await readHost(ovirtClient(props.connection), id);
    // Status, cluster and address are reported; the declared host and cluster stay as declared
    // (a host moved to another cluster shows in clusterId).
    return rec ? outputsOf(props, rec) : undefined;
  },

  async update(_id, olds, news) {
    // Only timeouts or the connection's credentials changed: nothing to do on the engine.
    return { ...news, ...Object.fromEntries(COMPUTED.map((k) => [k, olds[k] ?? null])) };
  },

  async delete(id, props, ctx) {
    ctx.say(
      `host ${props.hostName ?? props.host} (${id}) stays approved and in its cluster: ` +
        "deleting a HostApproval changes nothing on the engine",
    );
  },
});
