/**
 * Handler for `VrgPairing`: pairs a VRG with its peer (vrgmap) and waits until the link is
 * normal. A VRG has one pairing, so a new peer replaces, deleting first. The endpoint is
 * only how the VRG is reached: it changes in place (after checking it is the same VRG).
 * Refresh drops a pairing that is gone (unpaired) and records a failed or broken one, so
 * the next `pulumi up` proposes an update that re-pairs or waits for the link.
 */
import { z } from "zod";
import { isDrplaneError } from "../core/errors";
import { ensurePairing, getPairing, PAIRING, pairingState, removePairing } from "../vendors/vrg/pairing";
import type { PairingRecord } from "../vendors/vrg/wire";
import { timeoutsSchema } from "../inputs/common";
import { hostIpSchema, hostOf, portSchema, vrgClient, vrgConnectionSchema } from "../inputs/vrg";
import { defineHandler, inputsChanged, partialCreate, type OpContext, type Props } from "./kit";
import { assertSameVrg } from "./vrg-identity";

export const KIND = "VrgPairing";
const DEFAULT_TIMEOUT_MS = 10 * 60_000;

function schema() {
  return z
    .object({
      connection: vrgConnectionSchema,
      peerIp: hostIpSchema,
      peerPort: portSchema,
      timeouts: timeoutsSchema.optional(),
    })
    .strict();
}

/** Output-only keys. */
const COMPUTED = ["vrgUuid", "status", "state", "meaning", "adopted"];

function idOf(vrgUuid: string | undefined, inputs: Props): string {
  return `${vrgUuid ?? hostOf(inputs.connection.endpoint)}->${inputs.peerIp}:${inputs.peerPort}`;
}

function outputs(inputs: Props, record: PairingRecord, vrgUuid: string | undefined, adopted: boolean): Props {
  const s = pairingState(record.status);
  return {
    ...inputs,
    vrgUuid: vrgUuid ?? null,
    status: record.status ?? null,
    state: s.name,
    meaning: s.meaning,
    adopted,
  };
}

async function converge(inputs: Props, ctx: OpContext) {
  const client = vrgClient(inputs.connection);
  return ensurePairing({
    client,
    peerIp: inputs.peerIp,
    peerPort: inputs.peerPort,
    timeoutMs: ctx.timeoutMs,
    onProgress: ctx.say,
  });
}

export const vrgPairingHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    const replaces: string[] = [];
    if (olds.peerIp !== news.peerIp) replaces.push("peerIp");
    if (olds.peerPort !== news.peerPort) replaces.push("peerPort");
    const unhealthy = olds.status !== undefined && olds.status !== null && olds.status !== PAIRING.normal;
    const changes =
      replaces.length > 0 || unhealthy || inputsChanged(olds, news, COMPUTED, ["peerIp", "peerPort"]);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(inputs, ctx) {
    try {
      const r = await converge(inputs, ctx);
      return { id: idOf(r.vrgUuid, inputs), outs: outputs(inputs, r.record, r.vrgUuid, r.adopted) };
    } catch (err) {
      // The pairing was requested and may still come up (or was recorded as failed on the
      // VRG): record the resource, so the next `pulumi up` re-checks it and destroy removes it.
      if (!isDrplaneError(err, "DRP_TIMEOUT") && !isDrplaneError(err, "DRP_JOB_FAILED")) throw err;
      const client = vrgClient(inputs.connection);
      const vrgUuid = await client.vrgUuid().catch(() => undefined);
      const live = await getPairing(client).catch(() => ({}) as PairingRecord);
      throw partialCreate(inputs, idOf(vrgUuid, inputs), outputs(inputs, live, vrgUuid, false), err);
    }
  },

  async read(_id, props) {
    const client = vrgClient(props.connection);
    const live = await getPairing(client);
    if (live.status === undefined || live.status === PAIRING.unpaired) return undefined;
    const s = pairingState(live.status);
    const vrgUuid = (await client.vrgUuid()) ?? props.vrgUuid ?? null;
    const moved =
      live.peerIp !== undefined &&
      (live.peerIp !== props.peerIp || (live.peerPort ?? props.peerPort) !== props.peerPort);
    const peer = moved ? { peerIp: live.peerIp, peerPort: live.peerPort ?? props.peerPort } : {};
    return { ...props, ...peer, vrgUuid, status: live.status, state: s.name, meaning: s.meaning };
  },

  async update(_id, olds, news, ctx) {
    await assertSameVrg(vrgClient(news.connection), olds, news, ctx.label);
    const r = await converge(news, ctx);
    return outputs(news, r.record, r.vrgUuid ?? olds.vrgUuid, olds.adopted ?? r.adopted);
  },

  async delete(_id, props, ctx) {
    await removePairing({
      client: vrgClient(props.connection),
      peerIp: props.peerIp,
      peerPort: props.peerPort,
      timeoutMs: ctx.timeoutMs,
      onProgress: ctx.say,
    });
  },
});
