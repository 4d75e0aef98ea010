/**
 * Shared fixtures of the Swift tests: the real backend (test/swift/backend.ts) seen through
 * both auth modes as the provider's connection inputs, credentials in the environment
 * (never in inputs), unique names, deep cleanup, and a TCP listener that counts connections
 * (to prove that a check sent no request).
 */
import { randomBytes } from "node:crypto";
import * as net from "node:net";
import { Writable } from "node:stream";
import { ensureSwiftBackend, type SwiftTestEnv } from "../../swift/backend";
import { SwiftClient } from "../../../provider/vendors/swift/client";
import { removeContainer } from "../../../provider/vendors/swift/containers";
import { downloadObject } from "../../../provider/vendors/swift/objects";
import type { SwiftConnection } from "../../../provider/vendors/swift/auth";

export type AuthMode = "tempauth" | "keystone";
export const AUTH_MODES: AuthMode[] = ["tempauth", "keystone"];

/** Profiles used by the tests; their passwords go to DRPLANE_<PROFILE>_PASSWORD. */
export const PROFILES: Record<AuthMode, string> = { tempauth: "swift-ta", keystone: "swift-ks" };

export interface SwiftFixture {
  env: SwiftTestEnv;
  /** The connection input of a resource (no password). */
  connection(mode: AuthMode): Record<string, string>;
  client(mode: AuthMode): SwiftClient;
  /** Environment for a provider host or child process: the profiles' passwords. */
  credentialEnv: Record<string, string>;
}

let cached: Promise<SwiftFixture> | undefined;

/** Starts (or finds) the backend and puts the test profiles' passwords in process.env. */
export function swiftFixture(): Promise<SwiftFixture> {
  cached ??= (async () => {
    const env = await ensureSwiftBackend();
    const credentialEnv = {
      DRPLANE_SWIFT_TA_PASSWORD: env.tempauth.key,
      DRPLANE_SWIFT_KS_PASSWORD: env.keystone.password,
    };
    Object.assign(process.env, credentialEnv);
    const connection = (mode: AuthMode): Record<string, string> =>
      mode === "tempauth"
        ? {
            authUrl: env.tempauth.authUrl,
            authType: "tempauth",
            profile: PROFILES.tempauth,
            username: env.tempauth.user,
          }
        : {
            // As the seed does: user name + user_domain_id, scoped by project_id.
            authUrl: env.keystone.authUrl,
            authType: "keystone",
            profile: PROFILES.keystone,
            username: env.keystone.username,
            userDomainId: env.keystone.userDomainId,
            projectId: env.keystone.projectId,
            region: env.keystone.region,
          };
    return {
      env,
      connection,
      client: (mode) => new SwiftClient(connection(mode) as unknown as SwiftConnection),
      credentialEnv,
    };
  })();
  return cached;
}

export function uniqueName(tag: string): string {
  return `drplane-t-${tag}-${randomBytes(4).toString("hex")}`;
}

/** Removes test containers and everything in them; ignores what is already gone. */
export async function cleanupContainers(client: SwiftClient, names: string[]): Promise<void> {
  for (const name of names) {
    await removeContainer(client, name, { forceDestroy: true }).catch(() => undefined);
  }
}

/** A loopback TCP listener that counts connections (and answers none). */
export async function connectionCounter(): Promise<{
  url: string;
  count: () => number;
  close: () => Promise<void>;
}> {
  let count = 0;
  const server = net.createServer((socket) => {
    count++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Downloads an object into memory (tests only: small and medium objects). */
export async function download(client: SwiftClient, container: string, name: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      chunks.push(chunk as Buffer);
      done();
    },
  });
  await downloadObject(client, container, name, sink);
  return Buffer.concat(chunks);
}

/** How a Pulumi asset travels in a property Struct (the signature key and the asset's value). */
export const ASSET_SIG_KEY = "4dabf18193072939515e22adb298388d";
export const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
