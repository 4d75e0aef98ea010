/**
 * Only for type-checking this program inside the pulumi-drplane repository (see
 * examples/dr-topology/repo-typecheck.d.ts): types the import from the package's source. The
 * engine tests copy the program without this file and install the packed package instead.
 */
declare module "pulumi-drplane" {
  type Source = typeof import("../../../../provider/index");
  export const DrTopology: Source["DrTopology"];
  export type DrTopology = import("../../../../provider/index").DrTopology;
}
