/**
 * Handler for `RemoteStorage`: registers a remote Hitachi storage system with a local one.
 * The API has no update, so identity fields replace (delete first: one registration per
 * remote id); settings that only affect our client (TLS, timeouts, deletion mode) update
 * in place; credentials are never a diff.
 */
import { z } from "zod";
import { isDrplaneError } from "../core/errors";
import { containsUnknown } from "../core/schema";
import { ensureRemoteStorage, resolveIdentity, type RemoteStorageResult } from "../vendors/hitachi/register";
import { findRegistration } from "../vendors/hitachi/remote-storage";
import { removeRemoteStorage } from "../vendors/hitachi/remove";
import { durationMs, durationSchema } from "../inputs/common";
import { hitachiClient as client, hitachiConnection } from "../inputs/hitachi";
import { defineHandler, inputsChanged, partialCreate, type OpContext, type Props } from "./kit";

export const KIND = "RemoteStorage";
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

const positiveDuration = durationSchema.refine((v) => durationMs(v, 1) > 0, "must be longer than 0");

function origin(endpoint: string): string | undefined {
  try {
    return new URL(endpoint).origin;
  } catch {
    return undefined;
  }
}

function schema() {
  return z
    .object({
      local: hitachiConnection(),
      remote: hitachiConnection(),
      remoteStorageDeviceId: z
        .string()
        .regex(
          /^[0-9A-Fa-f]{6}\d{6}$/,
          "12 characters: a 6-character model prefix and a 6-digit serial, e.g. 832000420000",
        )
        .optional(),
      restServerIp: z
        .string()
        .min(1)
        .max(255)
        .regex(/^[A-Za-z0-9.:-]+$/, "an IPv4/IPv6 address or host name")
        .optional(),
      restServerPort: z.number().int().min(1).max(65535).optional(),
      isMutualDiscovery: z.boolean().default(true),
      isMutualDeletion: z.boolean().default(true),
      longPollSeconds: z.number().int().min(0).max(300).default(0),
      timeouts: z
        .object({
          create: positiveDuration.optional(),
          update: positiveDuration.optional(),
          delete: positiveDuration.optional(),
        })
        .strict()
        .optional(),
    })
    .strict()
    .superRefine((inputs, ctx) => {
      const local = origin(inputs.local.endpoint);
      if (local !== undefined && local === origin(inputs.remote.endpoint))
        ctx.addIssue({
          code: "custom",
          path: ["remote", "endpoint"],
          message: "must differ from local.endpoint: an array cannot register itself",
        });
    });
}
type Inputs = z.output<ReturnType<typeof schema>>;

/** restServerIp/Port default to the host and port the provider uses to reach the remote. */
function target(inputs: Props): { restServerIp: string; restServerPort: number } {
  const url = new URL(inputs.remote.endpoint);
  return {
    restServerIp: inputs.restServerIp ?? url.hostname.replace(/^\[|\]$/g, ""),
    restServerPort:
      inputs.restServerPort ?? (url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80),
  };
}

function outputs(inputs: Props, result: RemoteStorageResult): Props {
  const r = result.registration;
  return {
    ...inputs,
    ...target(inputs),
    localStorageDeviceId: result.localStorageDeviceId,
    remoteStorageDeviceId: result.remoteStorageDeviceId,
    dkcType: r.dkcType,
    model: r.model ?? null,
    serialNumber: r.serialNumber ?? null,
    ctl1Ip: r.ctl1Ip ?? null,
    ctl2Ip: r.ctl2Ip ?? null,
    communicationModes: (r.communicationModes ?? []).map((m) => m.communicationMode),
    registeredRestServerIp: r.restServerIp ?? null,
    registeredRestServerPort: r.restServerPort ?? null,
    localApiVersion: result.localApiVersion,
    remoteApiVersion: result.remoteApiVersion,
    adopted: result.adopted,
  };
}

/** Output-only keys (not inputs). */
const COMPUTED = [
  "localStorageDeviceId",
  "dkcType",
  "model",
  "serialNumber",
  "ctl1Ip",
  "ctl2Ip",
  "communicationModes",
  "registeredRestServerIp",
  "registeredRestServerPort",
  "localApiVersion",
  "remoteApiVersion",
  "adopted",
  "registrationJobId",
];

function spec(inputs: Inputs & Props, ctx: OpContext) {
  return {
    local: client(inputs.local),
    remote: client(inputs.remote),
    remoteStorageDeviceId: inputs.remoteStorageDeviceId,
    ...target(inputs),
    isMutualDiscovery: inputs.isMutualDiscovery,
    timeoutMs: ctx.timeoutMs,
    longPollSeconds: inputs.longPollSeconds,
    onProgress: ctx.say,
  };
}

function idOf(result: { localStorageDeviceId: string; remoteStorageDeviceId: string }): string {
  return `${result.localStorageDeviceId}/${result.remoteStorageDeviceId}`;
}

/** The registration's address: compared through `target` (a default equals its explicit value). */
const ADDRESS = ["remoteStorageDeviceId", "restServerIp", "restServerPort"];

export const remoteStorageHandler = defineHandler({
  kind: KIND,
  schema,
  defaultTimeoutMs: DEFAULT_TIMEOUT_MS,
  computed: COMPUTED,

  diff(olds, news) {
    // During preview some inputs may be unknown: a field that is not known yet is not
    // reported as a replacement (the real `up` diffs again with known values), but the
    // resource is shown as changing.
    const known = (...vals: unknown[]) => !vals.some(containsUnknown);
    const replaces: string[] = [];
    if (known(news.local?.endpoint) && olds.local?.endpoint !== news.local?.endpoint) replaces.push("local");
    const newId = news.remoteStorageDeviceId;
    if (newId !== undefined && known(newId) && newId !== olds.remoteStorageDeviceId)
      replaces.push("remoteStorageDeviceId");
    if (known(news.remote?.endpoint, news.restServerIp, news.restServerPort)) {
      const was = target(olds);
      const now = target(news);
      if (was.restServerIp !== now.restServerIp) replaces.push("restServerIp");
      if (was.restServerPort !== now.restServerPort) replaces.push("restServerPort");
    }
    if (
      known(news.isMutualDiscovery) &&
      (olds.isMutualDiscovery ?? true) !== (news.isMutualDiscovery ?? true)
    )
      replaces.push("isMutualDiscovery");
    // Everything else that changed updates in place; credentials alone are not a change.
    const changes = replaces.length > 0 || inputsChanged(olds, news, COMPUTED, ADDRESS);
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(raw, ctx) {
    const inputs = raw as Inputs & Props;
    const s = spec(inputs, ctx);
    const identity = await resolveIdentity(s);
    try {
      const result = await ensureRemoteStorage(s, identity);
      return { id: idOf(result), outs: outputs(inputs, result) };
    } catch (err) {
      // A job that timed out may still complete on the array: record the resource so the
      // next `pulumi up` adopts it (update runs the same idempotent flow), never duplicates.
      if (!isDrplaneError(err, "DRP_TIMEOUT")) throw err;
      const outs = {
        ...inputs,
        ...target(inputs),
        ...identity,
        adopted: false,
        // The next `pulumi up` (update) resumes this job by id, also without a job list.
        ...(err.meta.jobId ? { registrationJobId: err.meta.jobId } : {}),
      };
      throw partialCreate(inputs, idOf(identity), outs, err);
    }
  },

  async read(id, props) {
    const local = client(props.local);
    const remoteId = props.remoteStorageDeviceId ?? id.split("/")[1];
    const found = await local.withSession((s) => findRegistration(local, s, remoteId));
    if (!found) return undefined;
    return {
      ...props,
      // The live registration address becomes the recorded one, so drift shows in the next
      // diff (and, when declared, as an input change on refresh).
      ...(found.restServerIp !== undefined ? { restServerIp: found.restServerIp } : {}),
      ...(found.restServerPort !== undefined ? { restServerPort: found.restServerPort } : {}),
      registeredRestServerIp: found.restServerIp ?? null,
      registeredRestServerPort: found.restServerPort ?? null,
      model: found.model ?? null,
      serialNumber: found.serialNumber ?? null,
      ctl1Ip: found.ctl1Ip ?? null,
      ctl2Ip: found.ctl2Ip ?? null,
      communicationModes: (found.communicationModes ?? []).map((m) => m.communicationMode),
    };
  },

  async update(_id, olds, news, ctx) {
    // Same idempotent flow as create: it also completes a create that timed out earlier.
    const inputs = news as Inputs & Props;
    const result = await ensureRemoteStorage({
      ...spec(inputs, ctx),
      expectExisting: true,
      ...(typeof olds.registrationJobId === "string" ? { resumeJobId: olds.registrationJobId } : {}),
    });
    // Whether we adopted it was decided when it entered the stack.
    return { ...outputs(inputs, result), adopted: olds.adopted ?? result.adopted };
  },

  async delete(id, props, ctx) {
    const remoteId = props.remoteStorageDeviceId ?? id.split("/")[1];
    await removeRemoteStorage({
      local: client(props.local),
      remote: client(props.remote),
      remoteStorageDeviceId: remoteId,
      isMutualDeletion: props.isMutualDeletion ?? true,
      timeoutMs: ctx.timeoutMs,
      longPollSeconds: props.longPollSeconds ?? 0,
      onProgress: ctx.say,
    });
  },
});
