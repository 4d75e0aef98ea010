/**
 * The same-VRG check that lets a VRG resource's `connection.endpoint` change in place: the
 * management address moves with modmngnet, and the VRG's login uuid says whether the
 * address still reaches the VRG the resource was created on.
 */
import { ConflictError } from "../core/errors";
import type { Props } from "../inputs/props";
import type { VrgClient } from "../vendors/vrg/client";

/**
 * When the endpoint changed, the VRG answering there must be the one recorded (same login
 * uuid): a new endpoint is a new address of the same VRG, not another VRG.
 */
export async function assertSameVrg(
  client: VrgClient,
  olds: Props,
  news: Props,
  what: string,
): Promise<void> {
  if (olds.connection?.endpoint === news.connection?.endpoint) return;
  const recordedUuid: unknown = olds.vrgUuid;
  if (typeof recordedUuid !== "string" || !recordedUuid) return;
  const now = await client.vrgUuid();
  if (now && now !== recordedUuid) {
    throw new ConflictError(
      `${what}: the VRG at ${client.origin} is ${now}, not the VRG ${recordedUuid} this resource was created on`,
      {
        meta: {
          vendor: "vrg",
          operation: "login",
          property: "connection.endpoint",
          remedy:
            "point connection.endpoint back at that VRG, or replace the resource (pulumi up --replace <urn>)",
        },
      },
    );
  }
}
