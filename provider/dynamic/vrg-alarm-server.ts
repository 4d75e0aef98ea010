/**
 * Handler for `VrgAlarmServer`: the VRG's trap receiver (trapinfo, seed 001 §3.2-§3.3). It
 * is a single setting of the VRG, so every change updates in place (set again); delete
 * restores the seed's "none" value (ip 0.0.0.0). Refresh drops it when the VRG has no
 * receiver and records another address as drift.
 */
import { z } from "zod";
import { ensureAlarmServer, getAlarmServer, removeAlarmServer } from "../vendors/vrg/alarm-server";
import { hostIpSchema, hostOf, portSchema, vrgClient, vrgConnectionSchema } from "../inputs/vrg";
import { defineHandler, inputsChanged, type Props } from "./kit";
import { assertSameVrg } from "./vrg-identity";

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

export const vrgAlarmServerHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: 5 * 60_000,
  computed: COMPUTED,

  diff(olds, news) {
    return { changes: inputsChanged(olds, news, COMPUTED), replaces: [], deleteBeforeReplace: false };
  },

  async create(inputs, ctx) {
    const client = vrgClient(inputs.connection);
    const r = await ensureAlarmServer({
      client,
      ip: inputs.ip,
      port: inputs.port,
      adopt: inputs.adopt ?? false,
      onProgress: ctx.say,
    });
    const vrgUuid = await client.vrgUuid();
    return {
      id: idOf(vrgUuid, inputs),
      outs: { ...inputs, ...r.trap, vrgUuid: vrgUuid ?? null, adopted: r.adopted },
    };
  },

  async read(_id, props) {
    const live = await getAlarmServer(vrgClient(props.connection));
    return live ? { ...props, ip: live.ip, port: live.port } : undefined;
  },

  async update(_id, olds, news: Props, ctx) {
    const client = vrgClient(news.connection);
    await assertSameVrg(client, olds, news, ctx.label);
    // The receiver being changed is ours: replacing it needs no adopt.
    const r = await ensureAlarmServer({
      client,
      ip: news.ip,
      port: news.port,
      adopt: true,
      onProgress: ctx.say,
    });
    const vrgUuid = (await client.vrgUuid()) ?? olds.vrgUuid ?? null;
    return { ...news, ...r.trap, vrgUuid, adopted: olds.adopted ?? false };
  },

  async delete(_id, props, ctx) {
    const r = await removeAlarmServer(vrgClient(props.connection), { ip: props.ip, port: props.port });
    if (r.alreadyGone)
      ctx.say(`the VRG no longer sends alarms to ${props.ip}:${props.port}; nothing to remove`);
  },
});
