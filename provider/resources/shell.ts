/**
 * The thin provider object Pulumi serializes into state. It captures only the kind name and
 * the `dynamic` module, which the serializer emits as `require("pulumi-drplane/dynamic")`
 * because the module is loaded from node_modules: the real code is loaded by the provider
 * host at run time, so caches are process-wide and fixes reach old state. Nothing here may
 * hold state, secrets or zod schemas.
 */
import type * as pulumi from "@pulumi/pulumi";
import * as dynamicModule from "../dynamic";

export function makeShell(kind: string): pulumi.dynamic.ResourceProvider {
  return {
    configure(req) {
      dynamicModule.configure(req.config);
      return Promise.resolve();
    },
    check: (olds, news) =>
      dynamicModule.dispatch(kind, "check", olds, news) as Promise<pulumi.dynamic.CheckResult>,
    diff: (id, olds, news) =>
      dynamicModule.dispatch(kind, "diff", id, olds, news) as Promise<pulumi.dynamic.DiffResult>,
    create: (inputs) =>
      dynamicModule.dispatch(kind, "create", inputs) as Promise<pulumi.dynamic.CreateResult>,
    read: (id, props) =>
      dynamicModule.dispatch(kind, "read", id, props) as Promise<pulumi.dynamic.ReadResult>,
    update: (id, olds, news) =>
      dynamicModule.dispatch(kind, "update", id, olds, news) as Promise<pulumi.dynamic.UpdateResult>,
    delete: (id, props) => dynamicModule.dispatch(kind, "delete", id, props) as Promise<void>,
  };
}
