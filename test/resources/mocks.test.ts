/**
 * Level 2: the resource classes under pulumi.runtime.setMocks, constructed from the staged
 * package as a user's program would. Checks what ends up in state: the type token, the
 * serialized provider's size and what it requires, and that no secret is captured.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import { stagedApi } from "../host/stage";
import { assertThinShell, recordRegistrations, type Registered } from "./mock-registry";

let registered: Registered[] = [];

before(() => {
  registered = recordRegistrations();
});

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
  assertThinShell(rs, "must-not-be-captured-1");
  assert.ok(!("password" in rs.inputs.local), "connections carry no password");
});
