/**
 * Handler for `SwiftContainer`. The name and the storage policy (immutable in Swift) replace,
 * deleting first since the name is the user's; metadata, ACLs, versioning and quotas update
 * in place with one POST; refresh reads them back so out-of-band changes show as drift.
 * Delete refuses a non-empty container unless `forceDestroy`, which also removes the SLO
 * segments its manifests reference.
 */
import { z } from "zod";
import { containsUnknown } from "../core/schema";
import { sameMetadata } from "../vendors/swift/client";
import {
  ensureContainer,
  readContainer,
  removeContainer,
  RESERVED_CONTAINER_META,
  updateContainer,
  type ContainerSpec,
  type ContainerState,
} from "../vendors/swift/containers";
import { containerNameSchema, metadataSchema, swiftClient, swiftConnectionSchema } from "../inputs/swift";
import { defineHandler, omitKeys, same, type Props } from "./kit";
import { assertSameAccount, connectionChange, identityChanges } from "./swift-identity";
import { declaredCasing, swiftUrl } from "./swift-live";

export const KIND = "SwiftContainer";

function schema() {
  return z
    .object({
      connection: swiftConnectionSchema(),
      name: containerNameSchema(),
      storagePolicy: z
        .string()
        .regex(
          /^[A-Za-z0-9-]{1,255}$/,
          "a storage policy name: letters, digits and '-' (e.g. gold, Policy-0)",
        )
        .optional(),
      metadata: metadataSchema(RESERVED_CONTAINER_META).default({}),
      readAcl: z.string().min(1).max(4096).optional(),
      writeAcl: z.string().min(1).max(4096).optional(),
      versioning: z
        .object({ location: containerNameSchema(), mode: z.enum(["history", "stack"]).default("history") })
        .strict()
        .optional(),
      quota: z
        .object({ bytes: z.number().int().min(0).optional(), count: z.number().int().min(0).optional() })
        .strict()
        .optional(),
      forceDestroy: z.boolean().default(false),
      adopt: z.boolean().default(false),
    })
    .strict();
}

/** Output-only keys. Object counts are left out on purpose: they change with every upload, and
 * refresh would report them as drift (getSwiftContainer returns them). */
const COMPUTED = ["storageUrl", "url", "actualStoragePolicy", "adopted"];

function spec(inputs: Props): ContainerSpec {
  return {
    name: inputs.name,
    ...(inputs.storagePolicy ? { storagePolicy: inputs.storagePolicy } : {}),
    metadata: inputs.metadata ?? {},
    ...(inputs.readAcl !== undefined ? { readAcl: inputs.readAcl } : {}),
    ...(inputs.writeAcl !== undefined ? { writeAcl: inputs.writeAcl } : {}),
    ...(inputs.versioning
      ? { versioning: { location: inputs.versioning.location, mode: inputs.versioning.mode ?? "history" } }
      : {}),
    ...(inputs.quota ? { quota: inputs.quota } : {}),
  };
}

function outputs(inputs: Props, state: ContainerState, storageUrl: string, adopted: boolean): Props {
  return {
    ...inputs,
    // Declared values are kept as written (an alias such as Policy-0 is not drift).
    storagePolicy: inputs.storagePolicy ?? state.storagePolicy,
    actualStoragePolicy: state.storagePolicy,
    storageUrl,
    url: swiftUrl(storageUrl, state.name),
    adopted,
  };
}

/** What the container's managed settings are, for comparison (metadata names case-insensitive). */
function settings(p: Props): Props {
  return {
    readAcl: p.readAcl,
    writeAcl: p.writeAcl,
    versioning: p.versioning
      ? { location: p.versioning.location, mode: p.versioning.mode ?? "history" }
      : undefined,
    quota: p.quota && (p.quota.bytes !== undefined || p.quota.count !== undefined) ? p.quota : undefined,
    forceDestroy: p.forceDestroy ?? false,
  };
}

export const swiftContainerHandler = defineHandler({
  kind: KIND,
  schema,
  // Swift calls carry their own per-request timeouts; there is no timeouts input.
  defaultTimeoutMs: 0,
  computed: COMPUTED,

  diff(olds, news) {
    const { replaces, unknown } = identityChanges(olds, news, ["name"]);
    const policyUnknown = containsUnknown(news.storagePolicy);
    const oldPolicy = (olds.storagePolicy ?? "").toLowerCase();
    const newPolicy = news.storagePolicy === undefined ? undefined : String(news.storagePolicy).toLowerCase();
    if (
      !policyUnknown &&
      newPolicy !== undefined &&
      newPolicy !== oldPolicy &&
      newPolicy !== (olds.actualStoragePolicy ?? "").toLowerCase()
    )
      replaces.push("storagePolicy");
    const conn = connectionChange(olds.connection, news.connection);
    if (conn.replace) replaces.push("connection");
    const changes =
      replaces.length > 0 ||
      unknown ||
      policyUnknown ||
      conn.changed ||
      !sameMetadata(olds.metadata, news.metadata) ||
      !same(settings(olds), settings(news));
    // Same name: the old container must go first (and a policy cannot change in place).
    return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && olds.name === news.name };
  },

  async create(inputs, ctx) {
    const client = swiftClient(inputs.connection);
    const result = await ensureContainer(client, spec(inputs), { adopt: inputs.adopt, onProgress: ctx.say });
    return {
      id: inputs.name,
      outs: outputs(inputs, result.state, await client.storageUrl(), result.adopted),
    };
  },

  async read(id, props) {
    const client = swiftClient(props.connection);
    const live = await readContainer(client, props.name ?? id);
    if (!live) return undefined;
    // Declared settings take their live values; an undeclared live ACL, versioning or quota
    // shows in the outputs (and so in the diff: the next up removes it).
    const declared: Props = {
      ...omitKeys(props, ["readAcl", "writeAcl", "versioning", "quota"]),
      metadata: declaredCasing(live.metadata, props.metadata),
      ...(live.readAcl !== undefined ? { readAcl: live.readAcl } : {}),
      ...(live.writeAcl !== undefined ? { writeAcl: live.writeAcl } : {}),
      ...(live.versioning ? { versioning: live.versioning } : {}),
      ...(live.quota ? { quota: live.quota } : {}),
    };
    return outputs(declared, live, await client.storageUrl(), props.adopted ?? false);
  },

  async update(_id, olds, news) {
    const client = swiftClient(news.connection);
    const storageUrl = await assertSameAccount(client, olds.storageUrl);
    const state = await updateContainer(client, spec(news));
    return outputs(news, state, storageUrl, olds.adopted ?? false);
  },

  async delete(id, props, ctx) {
    await removeContainer(swiftClient(props.connection), props.name ?? id, {
      forceDestroy: props.forceDestroy ?? false,
      onProgress: ctx.say,
    });
  },
});
