/**
 * A host suite's "bad inputs fail in Check" step: each case's inputs, over a base whose
 * connection points at a loopback listener that counts connections, fail in Check on the
 * named property with a matching reason, and no connection reaches the endpoint.
 */
import * as assert from "node:assert/strict";
import { connectionCounter } from "../vendors/swift/fixtures";
import type { Props, ProviderHost } from "./harness";

/** [inputs over the base, the property that must fail, what its reason says]. */
export type CheckCase = [extra: Props, property: string, reason: RegExp];

export async function expectCheckFailuresOffline(
  host: ProviderHost,
  urn: string,
  base: (endpointUrl: string) => Props,
  cases: CheckCase[],
): Promise<void> {
  const counter = await connectionCounter();
  try {
    const inputs = base(counter.url);
    for (const [extra, property, reason] of cases) {
      const { failures } = await host.check(urn, {}, { ...inputs, ...extra });
      const f = failures.find((x) => x.property === property);
      assert.ok(
        f,
        `${JSON.stringify(extra)}: expected a failure on ${property}, got ${JSON.stringify(failures)}`,
      );
      assert.match(f.reason, reason);
    }
    assert.equal(counter.count(), 0, "no connection reached the endpoint");
  } finally {
    await counter.close();
  }
}
