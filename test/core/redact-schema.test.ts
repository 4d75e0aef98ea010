import { test } from "node:test";
import * as assert from "node:assert/strict";
import { z } from "zod";
import { redactHeaders, redactText, registerSecret } from "../../provider/core/redact";
import { checkWith, UNKNOWN } from "../../provider/core/schema";
import {
  clearStackCredentials,
  resolveCredentials,
  setStackCredentials,
} from "../../provider/core/credentials";
import { isDrplaneError } from "../../provider/core/errors";

test("authorization-like headers are masked", () => {
  const out = redactHeaders({
    Authorization: "Session abc",
    "Remote-Authorization": "Session def",
    "X-Auth-Token": "t",
    "X-Auth-Key": "k",
    "content-type": "application/json",
  });
  assert.deepEqual(out, {
    Authorization: "***",
    "Remote-Authorization": "***",
    "X-Auth-Token": "***",
    "X-Auth-Key": "***",
    "content-type": "application/json",
  });
});

test("tokens and passwords in text are masked, and registered secrets wherever they appear", () => {
  registerSecret("hunter2-pass");
  const text = redactText(
    'Authorization: Session d7b673af189048468c5af9bcf3bbbb6f {"password":"p@ss"} token=abcdef123 login failed for hunter2-pass',
  );
  assert.ok(!text.includes("d7b673af189048468c5af9bcf3bbbb6f"));
  assert.ok(!text.includes("p@ss"));
  assert.ok(!text.includes("abcdef123"));
  assert.ok(!text.includes("hunter2-pass"));
});

const schema = z
  .object({ name: z.string().min(3), port: z.number().int().max(65535), nested: z.object({ a: z.string() }) })
  .strict();

test("check failures name the property", () => {
  const r = checkWith(schema, { name: "ab", port: 70000, nested: { a: 1 }, __provider: "x" });
  assert.deepEqual(r.failures.map((f) => f.property).sort(), ["name", "nested.a", "port"]);
});

test("unknown values during preview are tolerated, known bad values still fail", () => {
  const r = checkWith(schema, { name: UNKNOWN, port: 70000, nested: { a: UNKNOWN } });
  assert.deepEqual(
    r.failures.map((f) => f.property),
    ["port"],
  );
  assert.equal(r.hasUnknowns, true);
});

test("credentials: stack config first, then environment; the error names both and never a password", () => {
  clearStackCredentials();
  process.env.DRPLANE_SITE_A_USERNAME = "envuser";
  process.env.DRPLANE_SITE_A_PASSWORD = "envpass";
  assert.equal(resolveCredentials("site-a").password, "envpass");
  setStackCredentials(JSON.stringify({ "site-a": { username: "cfguser", password: "cfgpass" } }));
  assert.deepEqual(resolveCredentials("site-a"), {
    username: "cfguser",
    password: "cfgpass",
    source: "stack config",
  });
  assert.equal(resolveCredentials("site-a", "explicit").username, "explicit");
  clearStackCredentials();
  delete process.env.DRPLANE_SITE_A_PASSWORD;
  assert.throws(
    () => resolveCredentials("site-a"),
    (err: unknown) =>
      isDrplaneError(err, "DRP_AUTH") &&
      err.message.includes("DRPLANE_SITE_A_PASSWORD") &&
      err.message.includes("drplane:credentials.site-a.password"),
  );
  delete process.env.DRPLANE_SITE_A_USERNAME;
});
