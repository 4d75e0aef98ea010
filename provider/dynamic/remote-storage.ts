/**
 * Handler for `RemoteStorage`: registers a remote Hitachi storage system with a local one.
 * The API has no update, so identity fields replace (delete first: one registration per
 * remote id); settings that only affect our client (TLS, timeouts, deletion mode) update
 * in place; credentials are never a diff.
 */
import { existsSync } from "node:fs";
import { z } from "zod";
import { isDrplaneError, ResourceInitError } from "../core/errors";
import { checkWith, containsUnknown } from "../core/schema";
import { HitachiClient } from "../vendors/hitachi/client";
import { ensureRemoteStorage, resolveIdentity, type RemoteStorageResult } from "../vendors/hitachi/register";
import { findRegistration } from "../vendors/hitachi/remote-storage";
import { removeRemoteStorage } from "../vendors/hitachi/remove";
import {
  connectionSchema,
  declaredInputs,
  durationMs,
  durationSchema,
  inputsOf,
  omitKeys,
  progress,
  same,
  type ConnectionInput,
  type Handler,
  type Props,
  withDeclared,
} from "./common";

export const KIND = "RemoteStorage";
const DEFAULT_TIMEOUT_MS = 20 * 60_000;

/** Why an endpoint is not just scheme://host[:port], or undefined when it is. */
function endpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined; // the URL check reports it
  }
  if (url.username || url.password)
    return "must not contain a user name or password: give credentials through the profile";
  if (url.pathname !== "/" && url.pathname !== "") return "must be scheme://host[:port] only, without a path";
  if (url.search || url.hash || value.includes("?") || value.includes("#"))
    return "must be scheme://host[:port] only, without a query or fragment";
  if (url.port === "0") return "port must be from 1 to 65535";
  return undefined;
}

/** The connection of one array, stricter than the shared schema (see check's rules). */
function hitachiConnection() {
  return z
    .object({
      ...connectionSchema.shape,
      endpoint: connectionSchema.shape.endpoint.superRefine((value, ctx) => {
        const problem = endpointProblem(value);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
      caBundle: connectionSchema.shape.caBundle.refine(
        (value) => value === undefined || value.includes("-----BEGIN") || existsSync(value),
        "no such file: give PEM text or the path of a PEM file (relative to the Pulumi project)",
      ),
    })
    .strict();
}

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

function client(conn: ConnectionInput): HitachiClient {
  return new HitachiClient({
    endpoint: conn.endpoint,
    profile: conn.profile,
    username: conn.username,
    tls: { caBundle: conn.caBundle, insecure: conn.insecure },
  });
}

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
  return withDeclared(
    {
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
    },
    inputs,
  );
}

function spec(inputs: Inputs & Props, timeoutMs: number) {
  return {
    local: client(inputs.local),
    remote: client(inputs.remote),
    remoteStorageDeviceId: inputs.remoteStorageDeviceId,
    ...target(inputs),
    isMutualDiscovery: inputs.isMutualDiscovery,
    timeoutMs,
    longPollSeconds: inputs.longPollSeconds,
    onProgress: progress(KIND, inputs),
  };
}

function idOf(result: { localStorageDeviceId: string; remoteStorageDeviceId: string }): string {
  return `${result.localStorageDeviceId}/${result.remoteStorageDeviceId}`;
}

export const remoteStorageHandler: Handler = {
  async check(_olds, news) {
    const { inputs, failures } = checkWith(schema(), news);
    return {
      inputs: { ...inputs, ...(news.__drplaneName ? { __drplaneName: news.__drplaneName } : {}) },
      failures,
    };
  },

  async diff(_id, olds, news) {
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
    const credentialFree = (p: Props) => ({
      ...omitKeys(inputsOf(p), [
        "local",
        "remote",
        "remoteStorageDeviceId",
        "restServerIp",
        "restServerPort",
        ...COMPUTED,
      ]),
      local: omitKeys(p.local, ["profile", "username"]),
      remote: omitKeys(p.remote, ["profile", "username"]),
    });
    const changes = replaces.length > 0 || !same(credentialFree(olds), credentialFree(news));
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 };
  },

  async create(raw) {
    const inputs = raw as Inputs & Props;
    const s = spec(inputs, durationMs(inputs.timeouts?.create, DEFAULT_TIMEOUT_MS));
    const identity = await resolveIdentity(s);
    try {
      const result = await ensureRemoteStorage(s, identity);
      return { id: idOf(result), outs: outputs(inputs, result) };
    } catch (err) {
      // A job that timed out may still complete on the array: record the resource so the
      // next `pulumi up` adopts it (update runs the same idempotent flow), never duplicates.
      if (isDrplaneError(err, "DRP_TIMEOUT")) {
        const partial = {
          ...inputs,
          ...target(inputs),
          ...identity,
          adopted: false,
          // The next `pulumi up` (update) resumes this job by id, also without a job list.
          ...(err.meta.jobId ? { registrationJobId: err.meta.jobId } : {}),
          __provider: raw.__provider,
        };
        throw new ResourceInitError(idOf(identity), partial, err);
      }
      throw err;
    }
  },

  async read(id, props) {
    const local = client(props.local);
    const remoteId = props.remoteStorageDeviceId ?? id.split("/")[1];
    const found = await local.withSession((s) => findRegistration(local, s, remoteId));
    if (!found) return {};
    const live = {
      ...props,
      // The live registration address becomes the recorded one, so drift shows in the next diff.
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
    // Declared address inputs take the live values, so refresh shows the drift as an input change.
    const inputs = declaredInputs(props, COMPUTED);
    if ("restServerIp" in inputs && found.restServerIp !== undefined)
      inputs.restServerIp = found.restServerIp;
    if ("restServerPort" in inputs && found.restServerPort !== undefined)
      inputs.restServerPort = found.restServerPort;
    return {
      id,
      props: live,
      inputs: { ...inputs, ...(props.__drplaneName ? { __drplaneName: props.__drplaneName } : {}) },
    };
  },

  async update(_id, olds, news) {
    // Same idempotent flow as create: it also completes a create that timed out earlier.
    const inputs = news as Inputs & Props;
    const timeoutMs = durationMs(inputs.timeouts?.update ?? inputs.timeouts?.create, DEFAULT_TIMEOUT_MS);
    const result = await ensureRemoteStorage({
      ...spec(inputs, timeoutMs),
      expectExisting: true,
      ...(typeof olds.registrationJobId === "string" ? { resumeJobId: olds.registrationJobId } : {}),
    });
    // Whether we adopted it was decided when it entered the stack.
    return { outs: { ...outputs(inputs, result), adopted: olds.adopted ?? result.adopted } };
  },

  async delete(id, props) {
    const remoteId = props.remoteStorageDeviceId ?? id.split("/")[1];
    await removeRemoteStorage({
      local: client(props.local),
      remote: client(props.remote),
      remoteStorageDeviceId: remoteId,
      isMutualDeletion: props.isMutualDeletion ?? true,
      timeoutMs: durationMs(props.timeouts?.delete, DEFAULT_TIMEOUT_MS),
      longPollSeconds: props.longPollSeconds ?? 0,
      onProgress: progress(KIND, props),
    });
  },
};

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
