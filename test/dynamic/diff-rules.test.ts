/**
 * The handlers' diff rules as one table per resource kind: which declared change updates in
 * place, which replaces (and whether the old object goes first), and which is no change at all
 * (credentials: a rotated profile or another user name is never a diff). Each row starts from
 * recorded state (checked inputs plus the outputs a create returns) and new inputs through the
 * handler's own `check`, then calls `handler.diff(id, olds, news)` as the provider host does.
 * No vendor is contacted: check and diff do no I/O (SloObject's check reads its local file).
 */
import { after, before } from "node:test";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Props } from "../../provider/dynamic/kit";
import { diffRuleTests, replace, replaceCreateFirst, set, setIn, type Kind } from "./diff-table";
import { remoteStorageHandler } from "../../provider/dynamic/remote-storage";
import { vrgAlarmServerHandler } from "../../provider/dynamic/vrg-alarm-server";
import { vrgPairingHandler } from "../../provider/dynamic/vrg-pairing";
import { vmDrStrategyHandler } from "../../provider/dynamic/vrg-strategy";
import { swiftContainerHandler } from "../../provider/dynamic/swift-container";
import { swiftObjectHandler } from "../../provider/dynamic/swift-object";
import { sloObjectHandler } from "../../provider/dynamic/swift-slo-object";

/** The engine's placeholder for a value not known yet (preview). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

const without =
  (...keys: string[]) =>
  (p: Props): Props =>
    Object.fromEntries(Object.entries(p).filter(([k]) => !keys.includes(k)));
const volume =
  (i: number, patch: Props) =>
  (p: Props): Props => ({
    ...p,
    volumes: (p.volumes as Props[]).map((v, j) => (j === i ? { ...v, ...patch } : v)),
  });

const md5 = (s: string) => createHash("md5").update(s).digest("hex");

// ---- Hitachi ---------------------------------------------------------------------------------

const remoteStorage: Kind = {
  kind: "RemoteStorage",
  handler: remoteStorageHandler,
  inputs: () => ({
    __drplaneName: "site-link",
    local: { endpoint: "https://10.0.0.1", profile: "local" },
    remote: { endpoint: "https://10.0.0.2:8443", profile: "remote" },
  }),
  outputs: () => ({
    restServerIp: "10.0.0.2",
    restServerPort: 8443,
    localStorageDeviceId: "900000040001",
    remoteStorageDeviceId: "900000040002",
    dkcType: "Remote",
    model: "VSP G350",
    serialNumber: 40002,
    ctl1Ip: "10.0.0.21",
    ctl2Ip: "10.0.0.22",
    communicationModes: ["lanConnectionMode"],
    registeredRestServerIp: "10.0.0.2",
    registeredRestServerPort: 8443,
    localApiVersion: "1.9.0",
    remoteApiVersion: "1.9.0",
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "local credential profile renamed", news: setIn("local", { profile: "local2" }), expect: "none" },
    { case: "remote credential profile renamed", news: setIn("remote", { profile: "r2" }), expect: "none" },
    { case: "local user name declared", news: setIn("local", { username: "admin" }), expect: "none" },
    {
      case: "local array's endpoint",
      news: setIn("local", { endpoint: "https://10.0.0.9" }),
      expect: replace("local"),
    },
    {
      case: "remote endpoint on another host",
      news: setIn("remote", { endpoint: "https://10.0.0.3:8443" }),
      expect: replace("restServerIp"),
    },
    {
      case: "remote endpoint on another port",
      news: setIn("remote", { endpoint: "https://10.0.0.2:9443" }),
      expect: replace("restServerPort"),
    },
    { case: "restServerIp declared as its default", news: set({ restServerIp: "10.0.0.2" }), expect: "none" },
    { case: "restServerPort declared as its default", news: set({ restServerPort: 8443 }), expect: "none" },
    {
      case: "restServerIp declared elsewhere",
      news: set({ restServerIp: "10.0.0.7" }),
      expect: replace("restServerIp"),
    },
    {
      case: "restServerPort declared elsewhere",
      news: set({ restServerPort: 23451 }),
      expect: replace("restServerPort"),
    },
    {
      case: "remoteStorageDeviceId declared as the registered one",
      news: set({ remoteStorageDeviceId: "900000040002" }),
      expect: "none",
    },
    {
      case: "remoteStorageDeviceId declared as another array",
      news: set({ remoteStorageDeviceId: "900000040003" }),
      expect: replace("remoteStorageDeviceId"),
    },
    {
      case: "isMutualDiscovery declared as its default",
      news: set({ isMutualDiscovery: true }),
      expect: "none",
    },
    {
      case: "isMutualDiscovery off",
      news: set({ isMutualDiscovery: false }),
      expect: replace("isMutualDiscovery"),
    },
    { case: "timeouts", news: set({ timeouts: { create: "20m" } }), expect: "update" },
    {
      case: "TLS setting of the local connection",
      news: setIn("local", { insecure: true }),
      expect: "update",
    },
    {
      case: "local endpoint unknown in preview: a change, no replacement yet",
      news: setIn("local", { endpoint: UNKNOWN }),
      expect: "update",
    },
  ],
};

// ---- VRG -------------------------------------------------------------------------------------

const vrgConnection = { endpoint: "https://10.1.0.1:8443", profile: "prod" };
const VRG_UUID = "5b0c7f3e-2a41-4c1e-9a3b-7d6e5f4c3b2a";

const vrgPairing: Kind = {
  kind: "VrgPairing",
  handler: vrgPairingHandler,
  inputs: () => ({
    __drplaneName: "prod-to-dr",
    connection: vrgConnection,
    peerIp: "10.2.0.1",
    peerPort: 7000,
  }),
  outputs: () => ({
    vrgUuid: VRG_UUID,
    status: 1,
    state: "normal",
    meaning: "paired, link normal",
    adopted: false,
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "prod2" }), expect: "none" },
    { case: "user name declared", news: setIn("connection", { username: "admin" }), expect: "none" },
    { case: "peer address", news: set({ peerIp: "10.2.0.2" }), expect: replace("peerIp") },
    { case: "peer port", news: set({ peerPort: 7001 }), expect: replace("peerPort") },
    {
      case: "endpoint (another address of the same VRG)",
      news: setIn("connection", { endpoint: "https://vrg-prod.example:8443" }),
      expect: "update",
    },
    {
      case: "recorded link broken (status 5)",
      olds: set({ status: 5, state: "linkBroken" }),
      expect: "update",
    },
    {
      case: "recorded pairing failed (status 3)",
      olds: set({ status: 3, state: "failed" }),
      expect: "update",
    },
    { case: "timeouts", news: set({ timeouts: { create: "15m" } }), expect: "update" },
  ],
};

const vrgAlarmServer: Kind = {
  kind: "VrgAlarmServer",
  handler: vrgAlarmServerHandler,
  inputs: () => ({ __drplaneName: "traps", connection: vrgConnection, ip: "192.0.2.162", port: 162 }),
  outputs: () => ({ vrgUuid: VRG_UUID, adopted: false }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "prod2" }), expect: "none" },
    { case: "user name declared", news: setIn("connection", { username: "admin" }), expect: "none" },
    { case: "receiver port", news: set({ port: 1162 }), expect: "update" },
    { case: "receiver address", news: set({ ip: "192.0.2.163" }), expect: "update" },
    {
      case: "endpoint",
      news: setIn("connection", { endpoint: "https://vrg-prod.example:8443" }),
      expect: "update",
    },
  ],
};

const VM = "4d1f0c5e-8a4b-4f7e-9d2a-1c3b5e7f9a0b";
const strategyOutputs = (checked: Props): Props => ({
  vrgUuid: VRG_UUID,
  volumeStatuses: (checked.volumes as Props[]).map((v) => ({
    volUuid: v.volUuid,
    status: 1,
    state: "normal",
  })),
  healthy: true,
  adopted: false,
});

const productionStrategy: Kind = {
  kind: "VmDrStrategy (production)",
  handler: vmDrStrategyHandler,
  inputs: () => ({
    __drplaneName: "erp-prod",
    connection: vrgConnection,
    role: "production",
    vmUuid: VM,
    vmName: "erp",
    encryption: "aes128",
    volumes: [
      { volUuid: "vol-1", slot: 1 },
      { volUuid: "vol-2", slot: 2 },
    ],
  }),
  outputs: strategyOutputs,
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "prod2" }), expect: "none" },
    { case: "user name declared", news: setIn("connection", { username: "admin" }), expect: "none" },
    {
      case: "volumes listed in another order",
      news: (p) => ({ ...p, volumes: [...(p.volumes as Props[])].reverse() }),
      expect: "none",
    },
    {
      case: "VM UUID in upper case: the same VM, updated, not replaced",
      news: set({ vmUuid: VM.toUpperCase() }),
      expect: "update",
    },
    {
      case: "another VM",
      news: set({ vmUuid: "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d" }),
      expect: replace("vmUuid"),
    },
    {
      case: "role (production to dr)",
      news: (p) => ({
        ...without("encryption", "compression")(p),
        role: "dr",
        agentIp: "192.168.40.17",
        agentPort: 7100,
        volumes: [{ volUuid: "vol-1", slot: 1, volumeUrl: "nas://10.0.0.5/dr/vol-1", volType: "NAS" }],
      }),
      expect: replace("role"),
    },
    { case: "encryption", news: set({ encryption: "none" }), expect: "update" },
    { case: "compression", news: set({ compression: true }), expect: "update" },
    { case: "VM name", news: set({ vmName: "erp-2" }), expect: "update" },
    { case: "a volume's slot", news: volume(1, { slot: 3 }), expect: replace("volumes") },
    {
      case: "a volume added",
      news: (p) => ({ ...p, volumes: [...(p.volumes as Props[]), { volUuid: "vol-3", slot: 3 }] }),
      expect: "update",
    },
    {
      case: "a volume removed",
      news: (p) => ({ ...p, volumes: (p.volumes as Props[]).slice(0, 1) }),
      expect: "update",
    },
    {
      case: "endpoint",
      news: setIn("connection", { endpoint: "https://vrg-prod.example:8443" }),
      expect: "update",
    },
    { case: "recorded unhealthy", olds: set({ healthy: false }), expect: "update" },
  ],
};

const drStrategy: Kind = {
  kind: "VmDrStrategy (dr)",
  handler: vmDrStrategyHandler,
  inputs: () => ({
    __drplaneName: "erp-dr",
    connection: { endpoint: "https://10.1.0.2:8443", profile: "dr" },
    role: "dr",
    vmUuid: VM,
    hostUrn: "urn:sites:1:hosts:7",
    agentIp: "192.168.40.17",
    agentPort: 7100,
    volumes: [
      { volUuid: "vol-1", slot: 1, volumeUrl: "nas://10.0.0.5/dr/vol-1", volType: "NAS" },
      { volUuid: "vol-2", slot: 2, volumeUrl: "nas://10.0.0.5/dr/vol-2", volType: "NAS" },
    ],
  }),
  outputs: strategyOutputs,
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "dr2" }), expect: "none" },
    {
      case: "a volume's URL",
      news: volume(0, { volumeUrl: "nas://10.0.0.6/dr/vol-1" }),
      expect: replace("volumes"),
    },
    { case: "a volume's type", news: volume(0, { volType: "LUNPOME" }), expect: replace("volumes") },
    {
      case: "a volume's datastore",
      news: volume(0, { dsUrn: "urn:sites:1:datastores:3" }),
      expect: replace("volumes"),
    },
    {
      case: "a volume's extended parameters",
      news: volume(0, { drExtParams: { dsMgntIp: "10.0.0.8" } }),
      expect: replace("volumes"),
    },
    { case: "a volume's slot", news: volume(1, { slot: 5 }), expect: replace("volumes") },
    { case: "agent port", news: set({ agentPort: 7101 }), expect: "update" },
    { case: "agent address", news: set({ agentIp: "192.168.40.18" }), expect: "update" },
    { case: "host URN", news: set({ hostUrn: "urn:sites:1:hosts:8" }), expect: "update" },
    { case: "deletion mode", news: set({ deleteMode: "force" }), expect: "update" },
  ],
};

// ---- Swift -----------------------------------------------------------------------------------

const keystone = {
  authUrl: "https://keystone.example:5000/v3",
  authType: "keystone",
  profile: "backup",
  username: "backup",
  userDomainName: "Default",
  projectName: "dr",
  projectDomainName: "Default",
};
const tempauth = {
  authUrl: "http://127.0.0.1:8080/auth/v1.0",
  authType: "tempauth",
  profile: "p",
  username: "test:tester",
};
const STORAGE_URL = "https://swift.example:8080/v1/AUTH_dr";

const swiftContainer: Kind = {
  kind: "SwiftContainer",
  handler: swiftContainerHandler,
  inputs: () => ({
    __drplaneName: "backups",
    connection: keystone,
    name: "backups",
    metadata: { owner: "dr" },
  }),
  outputs: () => ({
    storageUrl: STORAGE_URL,
    url: `${STORAGE_URL}/backups`,
    actualStoragePolicy: "gold",
    adopted: false,
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "backup2" }), expect: "none" },
    { case: "another user of the project", news: setIn("connection", { username: "ops" }), expect: "none" },
    { case: "user domain", news: setIn("connection", { userDomainName: "Ops" }), expect: "none" },
    { case: "name", news: set({ name: "backups-2" }), expect: replaceCreateFirst("name") },
    {
      case: "storage policy declared as the one it has",
      news: set({ storagePolicy: "gold" }),
      expect: "none",
    },
    { case: "storage policy in other case", news: set({ storagePolicy: "GOLD" }), expect: "none" },
    {
      case: "another storage policy",
      news: set({ storagePolicy: "silver" }),
      expect: replace("storagePolicy"),
    },
    {
      case: "another storage policy and name",
      news: set({ storagePolicy: "silver", name: "backups-2" }),
      expect: replaceCreateFirst("name", "storagePolicy"),
    },
    { case: "storage policy unknown in preview", news: set({ storagePolicy: UNKNOWN }), expect: "update" },
    { case: "metadata", news: set({ metadata: { owner: "ops" } }), expect: "update" },
    {
      case: "another project",
      news: setIn("connection", { projectName: "prod" }),
      expect: replace("connection"),
    },
    {
      case: "another auth type",
      news: () => ({ ...remainingContainer(), connection: tempauth }),
      expect: replace("connection"),
    },
    {
      case: "auth URL",
      news: setIn("connection", { authUrl: "https://keystone2.example:5000/v3" }),
      expect: "update",
    },
    { case: "region", news: setIn("connection", { region: "RegionTwo" }), expect: "update" },
    { case: "TLS setting", news: setIn("connection", { insecure: true }), expect: "update" },
  ],
};
function remainingContainer(): Props {
  return { __drplaneName: "backups", name: "backups", metadata: { owner: "dr" } };
}

const swiftObject: Kind = {
  kind: "SwiftObject",
  handler: swiftObjectHandler,
  inputs: () => ({
    __drplaneName: "readme",
    connection: tempauth,
    container: "c",
    name: "README",
    content: "hello",
  }),
  outputs: (checked) => ({
    etag: md5("hello"),
    size: 5,
    lastModified: "2025-01-01T00:00:00.000Z",
    storageUrl: STORAGE_URL,
    url: `${STORAGE_URL}/c/README`,
    adopted: false,
    actualContentType: checked.contentType ?? "text/plain; charset=utf-8",
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "p2" }), expect: "none" },
    {
      case: "another user of the account",
      news: setIn("connection", { username: "test:other" }),
      expect: "none",
    },
    {
      case: "a user of another account",
      news: setIn("connection", { username: "other:tester" }),
      expect: replaceCreateFirst("connection"),
    },
    { case: "content", news: set({ content: "hello, world" }), expect: "update" },
    { case: "content type", news: set({ contentType: "application/json" }), expect: "update" },
    { case: "metadata", news: set({ metadata: { source: "db2" } }), expect: "update" },
    { case: "container", news: set({ container: "d" }), expect: replaceCreateFirst("container") },
    { case: "name", news: set({ name: "README.md" }), expect: replaceCreateFirst("name") },
    { case: "name unknown in preview", news: set({ name: UNKNOWN }), expect: "update" },
    {
      case: "auth URL",
      news: setIn("connection", { authUrl: "http://127.0.0.2:8080/auth/v1.0" }),
      expect: "update",
    },
  ],
};

let dir = "";
const sloFile = () => path.join(dir, "backup.bin");
const sloObject: Kind = {
  kind: "SloObject",
  handler: sloObjectHandler,
  inputs: () => ({
    __drplaneName: "backup",
    connection: tempauth,
    container: "c",
    name: "backup.bin",
    file: sloFile(),
    segmentSize: 1024,
  }),
  outputs: (checked) => ({
    etag: (checked.__source as Props).etag,
    size: 3000,
    segmentCount: 3,
    segmentPrefix: "backup.bin/slo/1",
    effectiveSegmentSize: 1024,
    effectiveSegmentContainer: "c_segments",
    storageUrl: STORAGE_URL,
    url: `${STORAGE_URL}/c/backup.bin`,
    adopted: false,
    actualContentType: "application/octet-stream",
  }),
  rows: [
    { case: "unchanged", expect: "none" },
    { case: "credential profile renamed", news: setIn("connection", { profile: "p2" }), expect: "none" },
    {
      case: "another user of the account",
      news: setIn("connection", { username: "test:other" }),
      expect: "none",
    },
    {
      case: "a user of another account",
      news: setIn("connection", { username: "other:tester" }),
      expect: replaceCreateFirst("connection"),
    },
    { case: "the file's content", olds: set({ etag: md5("older content") }), expect: "update" },
    { case: "segment container", news: set({ segmentContainer: "segments" }), expect: "update" },
    {
      case: "segment container declared as its default",
      news: set({ segmentContainer: "c_segments" }),
      expect: "none",
    },
    { case: "content type", news: set({ contentType: "application/x-tar" }), expect: "update" },
    { case: "metadata", news: set({ metadata: { source: "db2" } }), expect: "update" },
    { case: "container", news: set({ container: "d" }), expect: replaceCreateFirst("container") },
    { case: "name", news: set({ name: "backup-2.bin" }), expect: replaceCreateFirst("name") },
  ],
};

// ---- the tables ------------------------------------------------------------------------------

before(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "drplane-diff-rules-"));
  writeFileSync(sloFile(), Buffer.alloc(3000, 7));
});
after(() => rmSync(dir, { recursive: true, force: true }));

diffRuleTests([
  remoteStorage,
  vrgPairing,
  vrgAlarmServer,
  productionStrategy,
  drStrategy,
  swiftContainer,
  swiftObject,
  sloObject,
]);
