/**
 * The serialized `__provider` of a resource class, exactly as a user's program produces it:
 * the class is constructed from the staged package under pulumi.runtime.setMocks.
 */
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "./stage";

type Api = ReturnType<typeof stagedApi>;

export async function providerTextOf(construct: (api: Api) => pulumi.CustomResource): Promise<string> {
  let text: string | undefined;
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        text ??= args.inputs.__provider;
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "drplane-demo",
    "dev",
    false,
  );
  const res = construct(stagedApi());
  await new Promise<void>((resolve) => res.urn.apply(() => resolve()));
  if (typeof text !== "string") throw new Error("no __provider was registered");
  return text;
}
