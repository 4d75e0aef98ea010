/**
 * Shared by the setMocks tests: records every registered resource, and checks that a
 * serialized provider is the thin by-reference shell (size budget, only
 * require("pulumi-drplane/dynamic"), no absolute path, no given secret).
 */
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";

export interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}

/** Installs recording mocks; the returned array fills as resources register. */
export function recordRegistrations(): Registered[] {
  const registered: Registered[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: () => ({}),
    },
    "drplane-mocks",
    "dev",
    false,
  );
  return registered;
}

export function requiresOf(text: string): string[] {
  return [...text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
}

/** Asserts what a registered resource puts into state as its provider. */
export function assertThinShell(reg: Registered, secret: string): void {
  const text = reg.inputs.__provider as string;
  assert.equal(typeof text, "string", `${reg.name}: __provider is serialized text`);
  const size = Buffer.byteLength(text);
  assert.ok(size < 8 * 1024, `${reg.name}: __provider is ${size} bytes, budget 8 KB`);
  assert.deepEqual(
    [...new Set(requiresOf(text))],
    ["pulumi-drplane/dynamic"],
    `${reg.name}: captures only the dynamic module, by reference`,
  );
  assert.ok(!text.includes(secret), `${reg.name}: no secret in the serialized provider`);
  assert.ok(
    !/\/(?:work|home|root|tmp)\//.test(text),
    `${reg.name}: no absolute path in the serialized provider`,
  );
  assert.equal(reg.inputs.__drplaneName, reg.name);
}
