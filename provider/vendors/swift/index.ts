/** The Swift vendor SDK (no Pulumi): auth, client, containers, objects and static large objects. */
export * from "./auth";
export * from "./bulk";
export * from "./client";
export * from "./containers";
export * from "./errors";
export * from "./hashing";
export * from "./objects";
export * from "./segments";
export * from "./slo";
export * from "./slo-manifest";
export * from "./slo-plan";
export * from "./slo-progress";
export * from "./slo-upload";
