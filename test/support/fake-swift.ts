/**
 * A minimal loopback stand-in for Swift with tempauth, for tests of the call path (not of
 * Swift): `GET /auth/v1.0` issues a numbered token valid `tokenTtlSeconds`; `GET
 * /v1/AUTH_test/<c>/<name>` serves `objects[name]` in two halves, holding the second half
 * while `hold` is set; `reset` sends half of its body and then drops the connection.
 */
import type { AddressInfo } from "node:net";
import { createHash } from "node:crypto";
import { loopbackServer } from "./loopback";

export interface FakeSwift {
  /** http://127.0.0.1:<port>, once it listens. */
  url: Promise<string>;
  readonly logins: number;
  /** Object GETs whose response is still open. */
  readonly openDownloads: number;
  /** The validity each issued token announces (X-Auth-Token-Expires). */
  tokenTtlSeconds: number;
  objects: Record<string, Buffer>;
  /** While set, each object GET sends its first half and waits for this to resolve. */
  hold?: Promise<void>;
}

export function fakeSwift(): FakeSwift {
  let logins = 0;
  let open = 0;
  const fake: FakeSwift = {
    url: Promise.resolve(""),
    get logins() {
      return logins;
    },
    get openDownloads() {
      return open;
    },
    tokenTtlSeconds: 3600,
    objects: {},
  };
  const { server, url } = loopbackServer((req, res) => {
    const port = (server.address() as AddressInfo).port;
    if (req.url === "/auth/v1.0") {
      logins++;
      res.setHeader("x-auth-token", `AUTH_tk${logins}`);
      res.setHeader("x-storage-url", `http://127.0.0.1:${port}/v1/AUTH_test`);
      res.setHeader("x-auth-token-expires", String(fake.tokenTtlSeconds));
      return void res.end();
    }
    const m = /^\/v1\/AUTH_test(?:\/([^/]+)\/(.+))?$/.exec(req.url ?? "");
    if (!m) return void res.writeHead(404).end();
    if (!m[2]) return void res.writeHead(204).end(); // HEAD/GET account
    const name = decodeURIComponent(m[2]);
    const data = fake.objects[name];
    if (!data) return void res.writeHead(404).end("<html><h1>Not Found</h1></html>");
    open++;
    res.on("close", () => open--);
    res.writeHead(200, {
      "content-length": String(data.length),
      etag: createHash("md5").update(data).digest("hex"),
    });
    const half = Math.floor(data.length / 2);
    res.write(data.subarray(0, half));
    if (name === "reset") return void setImmediate(() => req.socket.destroy());
    void (fake.hold ?? Promise.resolve()).then(() => res.end(data.subarray(half)));
  });
  fake.url = url;
  return fake;
}
