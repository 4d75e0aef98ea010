/**
 * Only for type-checking this example inside the pulumi-drplane repository (the root
 * tsconfig includes examples/), where `pulumi-drplane` is installed in node_modules only after
 * the package has been built and staged. This ambient declaration types the import from the
 * package's source instead. The example's own tsconfig.json ("files": ["index.ts"]) and the
 * Pulumi CLI never load it, and it has no effect at run time.
 */
declare module "pulumi-drplane" {
  type Source = typeof import("../../provider/index");
  export const SwiftContainer: Source["SwiftContainer"];
  export type SwiftContainer = import("../../provider/index").SwiftContainer;
  export const SwiftObject: Source["SwiftObject"];
  export type SwiftObject = import("../../provider/index").SwiftObject;
  export const SloObject: Source["SloObject"];
  export type SloObject = import("../../provider/index").SloObject;
  export const getSwiftObjectOutput: Source["getSwiftObjectOutput"];
  export type SwiftConnectionArgs = import("../../provider/index").SwiftConnectionArgs;
}
