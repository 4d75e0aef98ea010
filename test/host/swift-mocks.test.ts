/**
 * Level 2: the Swift resource classes under pulumi.runtime.setMocks, constructed from the
 * staged package as a user's program would: type tokens, a small by-reference provider,
 * no password or absolute path in what goes to state, assets passed through as assets.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "./stage";

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

test("SwiftContainer, SwiftObject and SloObject register with drplane tokens and a small by-reference provider", async () => {
  const api = stagedApi();
  process.env.DRPLANE_ARCHIVE_PASSWORD = "must-not-be-captured-2";
  const connection = {
    authUrl: "https://keystone.example:5000/v3",
    profile: "archive",
    username: "ACCESS_KEY_ID",
    userDomainId: "DOMAIN_ID",
    projectId: "PROJECT_ID",
  };
  const container = new api.SwiftContainer("archive", {
    connection,
    name: "sample-container",
    storagePolicy: "gold",
  });
  const readme = new api.SwiftObject("readme", {
    connection,
    container: container.name,
    name: "README.txt",
    source: new pulumi.asset.StringAsset("hello"),
  });
  const big = new api.SloObject("big", {
    connection,
    container: container.name,
    name: "sample-big-file.mp4",
    source: new pulumi.asset.FileAsset("./sample.mp4"),
    contentType: "video/mp4",
  });
  await Promise.all(
    [container, readme, big].map((r) => new Promise<void>((resolve) => r.urn.apply(() => resolve()))),
  );
  const want = { archive: "SwiftContainer", readme: "SwiftObject", big: "SloObject" } as const;
  for (const [name, kind] of Object.entries(want)) {
    const r = registered.find((x) => x.name === name);
    assert.ok(r, `${name} registered`);
    assert.equal(r.type, `pulumi-nodejs:dynamic/drplane:${kind}`);
    const text = r.inputs.__provider as string;
    assert.ok(Buffer.byteLength(text) < 8 * 1024, `${kind}: __provider is ${Buffer.byteLength(text)} bytes`);
    const requires = [...text.matchAll(/require\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]);
    assert.deepEqual([...new Set(requires)], ["pulumi-drplane/dynamic"], `${kind} requires`);
    assert.ok(!text.includes("must-not-be-captured-2"));
    assert.ok(!/\/(?:work|home|root|tmp)\//.test(text), "no absolute path");
    assert.equal(r.inputs.__drplaneName, name);
    assert.ok(!JSON.stringify(r.inputs.connection).includes("password"));
  }
  const bigInputs = registered.find((x) => x.name === "big")!.inputs;
  assert.ok(pulumi.asset.Asset.isInstance(bigInputs.source), "a FileAsset input travels as an asset");
});
