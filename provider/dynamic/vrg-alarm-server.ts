/**
 * Handler for `VrgAlarmServer`: the VRG's trap receiver (trapinfo, seed 001 §3.2-§3.3). It
 * is a single setting of the VRG, so every change updates in place (set again); delete
 * restores the seed's "none" value (ip 0.0.0.0). Refresh drops it when the VRG has no
 * receiver and records another address as drift.
 */
import { z } from "zod";
import { checkWith } from "../core/schema";
import { ensureAlarmServer, getAlarmServer, removeAlarmServer } from "../vendors/vrg/alarm-server";
import { inputsOf, omitKeys, progress, same, type Handler, type Props } from "./common";
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

export const KIND = "VrgAlarmServer";

function schema() {
  return z
    .object({
      connection: vrgConnectionSchema,
      ip: hostIpSchema,
      port: portSchema,
      adopt: z.boolean().default(false),
    })
    .strict();
}

const COMPUTED = ["vrgUuid", "adopted"];

function idOf(vrgUuid: string | undefined, inputs: Props): string {
  return `${vrgUuid ?? hostOf(inputs.connection.endpoint)}/trapinfo`;
}

export const vrgAlarmServerHandler: Handler = {
  async check(_olds, news) {
    const { inputs, failures } = checkWith(schema(), news);
    return { inputs: withName(inputs as Props, news), failures };
  },

  async diff(_id, olds, news) {
    const changes =
      connectionChanged(olds, news) ||
      !same(omitKeys(inputsOf(olds), [...COMPUTED, "connection"]), omitKeys(inputsOf(news), ["connection"]));
    return { changes, replaces: [], deleteBeforeReplace: false };
  },

  async create(raw) {
    const inputs = raw as Props;
    const client = vrgClient(inputs.connection);
    const r = await ensureAlarmServer({
      client,
      ip: inputs.ip,
      port: inputs.port,
      adopt: inputs.adopt ?? false,
      onProgress: progress(KIND, inputs),
    });
    const vrgUuid = await client.vrgUuid();
    return {
      id: idOf(vrgUuid, inputs),
      outs: withName(
        { ...inputsOf(inputs), ...r.trap, vrgUuid: vrgUuid ?? null, adopted: r.adopted },
        inputs,
      ),
    };
  },

  async read(id, props) {
    const live = await getAlarmServer(vrgClient(props.connection));
    if (!live) return {};
    const inputs = { ...omitKeys(inputsOf(props), COMPUTED), ip: live.ip, port: live.port };
    return { id, props: { ...props, ip: live.ip, port: live.port }, inputs: withName(inputs, props) };
  },

  async update(_id, olds, news) {
    const inputs = news as Props;
    const client = vrgClient(inputs.connection);
    if (olds.connection?.endpoint !== inputs.connection?.endpoint)
      await assertSameVrg(client, olds.vrgUuid, `${KIND} ${inputs.__drplaneName ?? ""}`.trim());
    // The receiver being changed is ours: replacing it needs no adopt.
    const r = await ensureAlarmServer({
      client,
      ip: inputs.ip,
      port: inputs.port,
      adopt: true,
      onProgress: progress(KIND, inputs),
    });
    const vrgUuid = (await client.vrgUuid()) ?? olds.vrgUuid ?? null;
    return {
      outs: withName({ ...inputsOf(inputs), ...r.trap, vrgUuid, adopted: olds.adopted ?? false }, inputs),
    };
  },

  async delete(_id, props) {
    const r = await removeAlarmServer(vrgClient(props.connection), { ip: props.ip, port: props.port });
    if (r.alreadyGone)
      progress(KIND, props)(`the VRG no longer sends alarms to ${props.ip}:${props.port}; nothing to remove`);
  },
};
