import * as pulumi from "@pulumi/pulumi";

/**
 * Runs a data-function call as an RPC of the program (like an invoke), so the program waits
 * for it before it is considered finished.
 */
export function keptAlive<T>(work: () => Promise<T>): Promise<T> {
  const done = pulumi.runtime.rpcKeepAlive();
  return work().finally(done);
}
