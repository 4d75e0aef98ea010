/**
 * Handler for `VrgPairing`: pairs a VRG with its peer (vrgmap) and waits until the link is
 * normal. A VRG has one pairing, so a new peer replaces, deleting first. The endpoint is
 * only how the VRG is reached: it changes in place (after checking it is the same VRG).
 * Refresh drops a pairing that is gone (unpaired) and records a failed or broken one, so
 * the next `pulumi up` proposes an update that re-pairs or waits for the link.
 */
import { z } from "zod";
import { checkWith } from "../core/schema";
import { isDrplaneError, ResourceInitError } from "../core/errors";
import { ensurePairing, getPairing, PAIRING, pairingState, removePairing } from "../vendors/vrg/pairing";
import type { PairingRecord } from "../vendors/vrg/wire";
import { durationMs, inputsOf, omitKeys, progress, timeoutsSchema, type Handler, type Props } from "./common";
import {
  assertSameVrg,
  connectionChanged,
  hostIpSchema,
  hostOf,
  portSchema,
  vrgClient,
  vrgConnectionSchema,
  withName,
} from "./vrg-common";

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
  return withName(
    {
      ...inputsOf(inputs),
      vrgUuid: vrgUuid ?? null,
      status: record.status ?? null,
      state: s.name,
      meaning: s.meaning,
      adopted,
    },
    inputs,
  );
}

async function converge(inputs: Props, timeoutMs: number) {
  const client = vrgClient(inputs.connection);
  return ensurePairing({
    client,
    peerIp: inputs.peerIp,
    peerPort: inputs.peerPort,
    timeoutMs,
    onProgress: progress(KIND, inputs),
  });
}

export const vrgPairingHandler: Handler = {
  async check(_olds, news) {
    const { inputs, failures } = checkWith(schema(), news);
    return {
      inputs: withName(inputs as Props, news),
      failures,
    };
  },

  async diff(_id, olds, news) {
    const replaces: string[] = [];
    if (olds.peerIp !== news.peerIp) replaces.push("peerIp");
    if (olds.peerPort !== news.peerPort) replaces.push("peerPort");
    const unhealthy = olds.status !== undefined && olds.status !== null && olds.status !== PAIRING.normal;
    const changes =
      replaces.length > 0 ||
      unhealthy ||
      connectionChanged(olds, news) ||
      JSON.stringify(olds.timeouts ?? null) !== JSON.stringify(news.timeouts ?? null);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(raw) {
    const inputs = raw as Props;
    try {
      const r = await converge(inputs, durationMs(inputs.timeouts?.create, DEFAULT_TIMEOUT_MS));
      return { id: idOf(r.vrgUuid, inputs), outs: outputs(inputs, r.record, r.vrgUuid, r.adopted) };
    } catch (err) {
      // The pairing was requested and may still come up (or was recorded as failed on the
      // VRG): record the resource, so the next `pulumi up` re-checks it and destroy removes it.
      if (isDrplaneError(err, "DRP_TIMEOUT") || isDrplaneError(err, "DRP_JOB_FAILED")) {
        const client = vrgClient(inputs.connection);
        const vrgUuid = await client.vrgUuid().catch(() => undefined);
        const live = await getPairing(client).catch(() => ({}) as PairingRecord);
        const partial = { ...outputs(inputs, live, vrgUuid, false), __provider: raw.__provider };
        throw new ResourceInitError(idOf(vrgUuid, inputs), partial, err);
      }
      throw err;
    }
  },

  async read(id, props) {
    const client = vrgClient(props.connection);
    const live = await getPairing(client);
    if (live.status === undefined || live.status === PAIRING.unpaired) return {};
    const s = pairingState(live.status);
    const vrgUuid = (await client.vrgUuid()) ?? props.vrgUuid ?? null;
    const moved =
      live.peerIp !== undefined &&
      (live.peerIp !== props.peerIp || (live.peerPort ?? props.peerPort) !== props.peerPort);
    const peer = moved ? { peerIp: live.peerIp, peerPort: live.peerPort ?? props.peerPort } : {};
    const inputs = { ...omitKeys(inputsOf(props), COMPUTED), ...peer };
    return {
      id,
      props: { ...props, ...peer, vrgUuid, status: live.status, state: s.name, meaning: s.meaning },
      inputs: withName(inputs, props),
    };
  },

  async update(_id, olds, news) {
    const inputs = news as Props;
    const client = vrgClient(inputs.connection);
    if (olds.connection?.endpoint !== inputs.connection?.endpoint)
      await assertSameVrg(client, olds.vrgUuid, `${KIND} ${inputs.__drplaneName ?? ""}`.trim());
    const timeoutMs = durationMs(inputs.timeouts?.update ?? inputs.timeouts?.create, DEFAULT_TIMEOUT_MS);
    const r = await converge(inputs, timeoutMs);
    return { outs: outputs(inputs, r.record, r.vrgUuid ?? olds.vrgUuid, olds.adopted ?? r.adopted) };
  },

  async delete(_id, props) {
    await removePairing({
      client: vrgClient(props.connection),
      peerIp: props.peerIp,
      peerPort: props.peerPort,
      timeoutMs: durationMs(props.timeouts?.delete, DEFAULT_TIMEOUT_MS),
      onProgress: progress(KIND, props),
    });
  },
};
