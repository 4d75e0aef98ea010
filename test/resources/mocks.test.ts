/**
 * Level 2: the resource classes under pulumi.runtime.setMocks, constructed from the staged
 * package as a user's program would. Checks what ends up in state: the type token, the
 * serialized provider's size and what it requires, and that no secret is captured.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "../host/stage";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>;
}
const registered: Registered[] = [];

before(() => {
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
});

const ALLOWED_REQUIRES = new Set(["pulumi-drplane/dynamic"]);

function requiresOf(text: string): string[] {
  return [...text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!);
}

async function construct(): Promise<Registered[]> {
  const api = stagedApi();
  process.env.DRPLANE_LOCAL_PASSWORD = "must-not-be-captured-1";
  const rs = new api.RemoteStorage("site-link", {
    local: { endpoint: "https://127.0.0.1:1", profile: "local" },
    remote: { endpoint: "https://127.0.0.1:2", profile: "remote", username: "admin" },
    timeouts: { create: "5m" },
  });
  await new Promise<void>((resolve) => rs.urn.apply(() => resolve()));
  return registered;
}

test("each resource registers with its drplane type token and a small by-reference provider", async () => {
  const regs = await construct();
  const rs = regs.find((r) => r.name === "site-link");
  assert.ok(rs, "RemoteStorage registered");
  assert.equal(rs.type, "pulumi-nodejs:dynamic/drplane:RemoteStorage");
  const text = rs.inputs.__provider as string;
  assert.equal(typeof text, "string");
  assert.ok(
    Buffer.byteLength(text) < 8 * 1024,
    `__provider is ${Buffer.byteLength(text)} bytes, budget 8 KB`,
  );
  const requires = requiresOf(text);
  assert.ok(
    requires.includes("pulumi-drplane/dynamic"),
    `captures the dynamic module by reference: ${requires}`,
  );
  for (const r of requires) {
    assert.ok(ALLOWED_REQUIRES.has(r), `unexpected require("${r}") in __provider`);
  }
  assert.ok(!text.includes("must-not-be-captured-1"), "no secret in the serialized provider");
  assert.ok(!/\/(?:work|home|root|tmp)\//.test(text), "no absolute path in the serialized provider");
  assert.equal(rs.inputs.__drplaneName, "site-link");
  assert.ok(!("password" in rs.inputs.local), "connections carry no password");
});
