/**
 * Only for type-checking this program inside the pulumi-drplane repository (the root tsconfig
 * includes bench/): `pulumi-drplane` is typed from the package's source. The program's own
 * tsconfig.json ("files": ["index.ts"]) and the Pulumi CLI never load it.
 */
declare module "pulumi-drplane" {
  type Source = typeof import("../../../provider/index");
  export const VmDrStrategy: Source["VmDrStrategy"];
  export type VmDrStrategy = import("../../../provider/index").VmDrStrategy;
}
