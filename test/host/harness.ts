/**
 * Drives the real Pulumi dynamic-provider host (`@pulumi/pulumi/cmd/dynamic-provider`) over
 * gRPC, the way the engine does during `pulumi up`, `preview`, `refresh` and `destroy`.
 * Reusable by every resource's conformance test and by the demo's program runner.
 * It covers the host (Struct conversion, __provider echo, provider cache, configure), not
 * the engine (no orchestration, secret annotation or state).
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as net from "node:net";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { stagePackage } from "./stage";

const { Struct } = require("google-protobuf/google/protobuf/struct_pb");
const rpc = require("@pulumi/pulumi/proto/provider_grpc_pb");
const pb = require("@pulumi/pulumi/proto/provider_pb");
const statusPb = require("@pulumi/pulumi/proto/status_pb");

export type Props = Record<string, any>;

export const PROJECT = "drplane-demo";

export function urnOf(kind: string, name: string, stack = "dev"): string {
  return `urn:pulumi:${stack}::${PROJECT}::pulumi-nodejs:dynamic/drplane:${kind}::${name}`;
}

export interface DiffOutcome {
  changes: "unknown" | "none" | "some";
  replaces: string[];
  deleteBeforeReplace: boolean;
}

/** A create that failed after the object began to exist (ErrorResourceInitFailed). */
export class InitFailedError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Props,
    readonly reasons: string[],
  ) {
    super(message);
  }
}

export interface HostOptions {
  /** Extra environment for the host process (credentials via DRPLANE_<PROFILE>_PASSWORD …). */
  env?: Record<string, string | undefined>;
}

export class ProviderHost {
  readonly stdout: string[] = [];
  readonly stderr: string[] = [];
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: any,
    private readonly engine: net.Server,
  ) {}

  /** Stages the package and starts a host with the stage directory as its cwd. */
  static async start(opts: HostOptions = {}): Promise<ProviderHost> {
    const cwd = stagePackage();
    // The host is given the engine's address; ours only needs to accept connections, since
    // the provider's watchdog (provider/dynamic/host-lifecycle.ts) exits when it stops answering.
    const engine = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => engine.listen(0, "127.0.0.1", resolve));
    engine.unref();
    const child = spawn(
      process.execPath,
      [
        require.resolve("@pulumi/pulumi/cmd/dynamic-provider"),
        `127.0.0.1:${(engine.address() as net.AddressInfo).port}`,
      ],
      {
        cwd,
        env: { ...process.env, PULUMI_NODEJS_PROJECT: PROJECT, ...opts.env },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    // Never leave a host behind if this process ends without calling stop().
    const killOnExit = () => child.kill();
    process.once("exit", killOnExit);
    child.once("exit", () => process.removeListener("exit", killOnExit));
    const lines = readline.createInterface({ input: child.stdout! });
    const port = await new Promise<string>((resolve, reject) => {
      lines.once("line", resolve);
      child.once("exit", (code) =>
        reject(new Error(`provider host exited with ${code} before printing its port`)),
      );
    });
    const client = new rpc.ResourceProviderClient(
      `127.0.0.1:${port.trim()}`,
      grpc.credentials.createInsecure(),
    );
    const host = new ProviderHost(child, client, engine);
    lines.on("line", (l) => host.stdout.push(l));
    readline.createInterface({ input: child.stderr! }).on("line", (l) => host.stderr.push(l));
    return host;
  }

  /** Everything the host printed (what `pulumi up` shows as diagnostics). */
  get output(): string {
    return [...this.stdout, ...this.stderr].join("\n");
  }

  async stop(): Promise<void> {
    this.client.close();
    this.engine.close();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise((r) => this.child.once("exit", r));
      this.child.kill();
      await exited;
    }
  }

  private call(method: string, req: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
      this.client[method](req, (err: any, res: any) => (err ? reject(decodeError(err)) : resolve(res))),
    );
  }

  /** Stack config as the engine sends it: namespaced keys, secrets already decrypted. */
  async configure(config: Record<string, string> = {}): Promise<void> {
    const req = new pb.ConfigureRequest();
    req.setArgs(Struct.fromJavaScript(config));
    await this.call("configure", req);
  }

  async check(
    urn: string,
    olds: Props,
    news: Props,
  ): Promise<{ inputs: Props; failures: Array<{ property: string; reason: string }> }> {
    const req = new pb.CheckRequest();
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call("check", req);
    return {
      inputs: res.getInputs()?.toJavaScript() ?? {},
      failures: res.getFailuresList().map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
    };
  }

  async diff(id: string, urn: string, olds: Props, news: Props): Promise<DiffOutcome> {
    const req = new pb.DiffRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call("diff", req);
    const changes = (["unknown", "none", "some"] as const)[res.getChanges()] ?? "unknown";
    return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
  }

  async create(urn: string, props: Props): Promise<{ id: string; properties: Props }> {
    const req = new pb.CreateRequest();
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    const res = await this.call("create", req);
    return { id: res.getId(), properties: res.getProperties()?.toJavaScript() ?? {} };
  }

  /** Read as refresh does (old outputs as properties). An empty id means "gone". */
  async read(
    id: string,
    urn: string,
    props: Props,
    inputs?: Props,
  ): Promise<{ id: string; properties: Props; inputs: Props }> {
    const req = new pb.ReadRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    if (inputs) req.setInputs(Struct.fromJavaScript(inputs));
    const res = await this.call("read", req);
    return {
      id: res.getId(),
      properties: res.getProperties()?.toJavaScript() ?? {},
      inputs: res.getInputs()?.toJavaScript() ?? {},
    };
  }

  async update(id: string, urn: string, olds: Props, news: Props): Promise<Props> {
    const req = new pb.UpdateRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setOlds(Struct.fromJavaScript(olds));
    req.setNews(Struct.fromJavaScript(news));
    const res = await this.call("update", req);
    return res.getProperties()?.toJavaScript() ?? {};
  }

  async delete(id: string, urn: string, props: Props): Promise<void> {
    const req = new pb.DeleteRequest();
    req.setId(id);
    req.setUrn(urn);
    req.setProperties(Struct.fromJavaScript(props));
    await this.call("delete", req);
  }
}

function decodeError(err: any): Error {
  const bin = err?.metadata?.get?.("grpc-status-details-bin")?.[0];
  if (bin) {
    const status = statusPb.Status.deserializeBinary(bin);
    for (const any of status.getDetailsList()) {
      if (any.getTypeUrl().endsWith("pulumirpc.ErrorResourceInitFailed")) {
        const init = pb.ErrorResourceInitFailed.deserializeBinary(any.getValue());
        return new InitFailedError(
          err.details ?? err.message,
          init.getId(),
          init.getProperties()?.toJavaScript() ?? {},
          init.getReasonsList(),
        );
      }
    }
  }
  const e = new Error(err?.details ?? err?.message ?? String(err));
  (e as any).grpcCode = err?.code;
  return e;
}
