/**
 * The NseFileShare and NseFileShareSnapshot diff rules as a table (the shape of
 * diff-rules.test.ts): which declared change updates in place, which replaces (and whether the
 * old object goes first), and which is no change at all (credentials; a service level in
 * another case; a missing export-rule superuser read as false). Each row starts from recorded
 * state (checked inputs plus the outputs a create returns) and new inputs through the handler's
 * own `check`. No request is sent: check and diff do no I/O.
 */
import { test } from "node:test";
import * as assert from "node:assert/strict";
import type { Props } from "../../provider/dynamic/kit";
import { diffRuleTests, replace, replaceCreateFirst, set, setIn, type Kind, type Row } from "./diff-table";
import { nseFileShareHandler } from "../../provider/dynamic/nse-fileshare";
import { nseSnapshotHandler } from "../../provider/dynamic/nse-snapshot";

const connection = { endpoint: "https://nse.example.com", profile: "nse", username: "nse-admin" };

const fileShare: Kind = {
  recordsDeclared: true,
  kind: "NseFileShare",
  handler: nseFileShareHandler,
  inputs: (): Props => ({
    __drplaneName: "projects",
    connection,
    name: "projects",
    sharePath: "/projects",
    fileserverId: "fs-1",
    subtenantId: "sub-1",
    sizeGb: 100,
    serviceLevel: "Extreme",
    protocol: "nfs",
    securityStyle: "unix",
    snapshotPolicy: { enabled: true, daily: { hour: 1, minute: 0, snapshotsToKeep: 7 } },
    exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw" }],
    drEnabled: false,
    tags: { owner: "dr-team" },
  }),
  outputs: (): Props => ({
    state: "Operational",
    tenantId: "t-1",
    fileserverName: "fs-one",
    nfsEndpoint: "10.0.0.5:/projects",
    cifsEndpoint: null,
    zone: "zone-a",
    drAvailable: true,
    snapshots: [],
    adopted: false,
    createJobId: "job-1",
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "nse2" }), expect: "none" },
    { case: "another user", news: setIn("connection", { username: "ops" }), expect: "none" },
    { case: "service level in another case", news: set({ serviceLevel: "extreme" }), expect: "none" },
    {
      case: "export rule with superuser false spelled out",
      news: set({ exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "rw", superuser: false }] }),
      expect: "none",
    },
    { case: "name", news: set({ name: "projects-2" }), expect: "update" },
    { case: "size", news: set({ sizeGb: 200 }), expect: "update" },
    { case: "service level", news: set({ serviceLevel: "Premium" }), expect: "update" },
    { case: "protocol", news: set({ protocol: "multiprotocol" }), expect: "update" },
    { case: "dr enabled", news: set({ drEnabled: true }), expect: "update" },
    {
      case: "snapshot policy",
      news: set({ snapshotPolicy: { enabled: true, daily: { hour: 2, minute: 0, snapshotsToKeep: 7 } } }),
      expect: "update",
    },
    {
      case: "an export rule added",
      news: set({
        exportPolicy: [
          { clientMatch: "10.0.0.0/24", access: "rw" },
          { clientMatch: "10.0.1.0/24", access: "ro" },
        ],
      }),
      expect: "update",
    },
    { case: "tags", news: set({ tags: { owner: "dr-team", tier: "gold" } }), expect: "update" },
    { case: "adopt", news: set({ adopt: false }), expect: "update" },
    { case: "timeouts", news: set({ timeouts: { create: "30m" } }), expect: "update" },
    { case: "base path", news: setIn("connection", { basePath: "" }), expect: "update" },
    { case: "a size changed out of band (refresh)", olds: set({ sizeGb: 50 }), expect: "update" },
    { case: "share path", news: set({ sharePath: "/projects-b" }), expect: replace("sharePath") },
    { case: "file server", news: set({ fileserverId: "fs-2" }), expect: replace("fileserverId") },
    { case: "security style", news: set({ securityStyle: "ntfs" }), expect: replace("securityStyle") },
    { case: "subtenant", news: set({ subtenantId: "sub-2" }), expect: replace("subtenantId") },
    {
      case: "share path and file server",
      news: set({ sharePath: "/p", fileserverId: "fs-2" }),
      expect: replace("sharePath", "fileserverId"),
    },
  ] as Row[],
};

const snapshot: Kind = {
  recordsDeclared: true,
  kind: "NseFileShareSnapshot",
  handler: nseSnapshotHandler,
  inputs: (): Props => ({
    __drplaneName: "before-upgrade",
    connection,
    fileShareId: "share-1",
    name: "before-upgrade",
  }),
  outputs: (): Props => ({
    created: "2020-10-19T10:00:00Z",
    adopted: false,
    requestedAt: "2020-10-19T10:00:00Z",
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "nse2" }), expect: "none" },
    { case: "timeouts", news: set({ timeouts: { delete: "5m" } }), expect: "update" },
    { case: "name", news: set({ name: "after-upgrade" }), expect: replaceCreateFirst("name") },
    { case: "file share", news: set({ fileShareId: "share-2" }), expect: replaceCreateFirst("fileShareId") },
  ] as Row[],
};

diffRuleTests([fileShare, snapshot]);

test("NseFileShare: bad input is refused in check, naming each property", async () => {
  const r = await nseFileShareHandler.check(
    {},
    {
      ...fileShare.inputs(),
      connection: { endpoint: "https://nse.example.com/api", profile: "nse", basePath: "api/" },
      name: "bad name!",
      sharePath: "/with space",
      fileserverId: "",
      sizeGb: 1.5,
      serviceLevel: "platinum",
      protocol: "smb",
      securityStyle: "mixed",
      snapshotPolicy: { enabled: true, hourly: { hour: 3, snapshotsToKeep: 0 } },
      exportPolicy: [{ clientMatch: "10.0.0.0/24", access: "write" }],
      drEnabled: "yes",
    },
  );
  const props = (r.failures ?? []).map((f) => f.property).sort();
  for (const p of [
    "connection.endpoint",
    "connection.basePath",
    "name",
    "sharePath",
    "fileserverId",
    "sizeGb",
    "serviceLevel",
    "protocol",
    "securityStyle",
    "snapshotPolicy.hourly.hour",
    "snapshotPolicy.hourly.snapshotsToKeep",
    "exportPolicy[0].access",
    "drEnabled",
  ])
    assert.ok(props.includes(p), `${p} in ${props.join(", ")}`);
});
