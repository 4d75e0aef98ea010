/**
 * A test HTTP server on 127.0.0.1 and a free port, closed (with core's pooled connections)
 * after the calling test file's tests.
 */
import { after } from "node:test";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { closeAllAgents } from "../../provider/core/http";

/** Starts `handler` on loopback; resolves to the server's base URL (http://127.0.0.1:<port>). */
export function loopbackServer(handler: http.RequestListener): { server: http.Server; url: Promise<string> } {
  const server = http.createServer(handler);
  const url = new Promise<string>((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    ),
  );
  after(async () => {
    await closeAllAgents();
    server.closeAllConnections();
    server.close();
  });
  return { server, url };
}
