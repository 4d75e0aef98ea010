/**
 * Level 2: the Swift resource classes under pulumi.runtime.setMocks, constructed from the
 * staged package as a user's program would: type tokens, a small by-reference provider,
 * no password or absolute path in what goes to state, assets passed through as assets.
 */
import { before, test } from "node:test";
import * as assert from "node:assert/strict";
import * as pulumi from "@pulumi/pulumi";
import { stagedApi } from "../host/stage";
import { assertThinShell, recordRegistrations, type Registered } from "./mock-registry";

let registered: Registered[] = [];

before(() => {
  registered = recordRegistrations();
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
    assertThinShell(r, "must-not-be-captured-2");
    assert.ok(!JSON.stringify(r.inputs.connection).includes("password"));
  }
  const bigInputs = registered.find((x) => x.name === "big")!.inputs;
  assert.ok(pulumi.asset.Asset.isInstance(bigInputs.source), "a FileAsset input travels as an asset");
});
