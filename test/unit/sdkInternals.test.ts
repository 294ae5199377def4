// Every private part of @pulumi/pulumi that the package reads, through the
// one module that reads them: each accessor must still find what it reads in
// this lane's SDK, so an SDK release that moves one fails here, not in a
// user's stack.
import * as pulumi from "@pulumi/pulumi";
import { afterEach, describe, expect, it } from "vitest";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { type LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { EngineLog } from "../../provider/engine/log";
import { componentChildren, isConfigSecret, markAsRunError, providerConfigKeys, resourcesOf, runStore, sdkGrpc } from "../../provider/pulumi/sdkInternals";
import { mockEngine } from "../support/mocks";
import { until } from "../support/until";

describe("the SDK internals this package reads", () => {
  afterEach(() => {
    delete process.env.PULUMI_CONFIG_SECRET_KEYS;
  });

  it("runStore: the SDK's store of the current run is an object that keeps what is hung on it", () => {
    const store = runStore();
    expect(typeof store).toBe("object");
    const key = Symbol("probe");
    store[key] = 1;
    expect(runStore()[key]).toBe(1);
    delete store[key];
  });

  it("isConfigSecret: the SDK's own reading, which knows the keys the CLI marks secret", () => {
    const config = require("@pulumi/pulumi/runtime/config") as {
      isConfigSecret?: unknown;
      setAllConfig?: (c: Record<string, string>, secretKeys?: string[]) => void;
    };
    expect(typeof config.isConfigSecret).toBe("function");
    config.setAllConfig!({ "cloudflare:apiToken": "x", "cloudflare:email": "y" }, ["cloudflare:apiToken"]);
    expect(isConfigSecret("cloudflare:apiToken")).toBe(true);
    expect(isConfigSecret("cloudflare:email")).toBe(false);
  });

  it("providerConfigKeys: the dynamic provider's Config keeps every key in rawConfig", () => {
    const { Config } = require("@pulumi/pulumi/cmd/dynamic-provider/config") as {
      Config: new (raw: Record<string, string>, project: string) => pulumi.dynamic.Config;
    };
    const config = new Config({ "cloudflare:apitoken": "secret-value", "turnKeyLookup:burst": "5" }, "project");
    expect(providerConfigKeys(config).sort()).toEqual(["cloudflare:apitoken", "turnKeyLookup:burst"]);
  });

  it("resourcesOf and componentChildren: an Output's resources, and a component's children once constructed", async () => {
    mockEngine("internals", {});
    class Thing extends pulumi.CustomResource {
      constructor(name: string, opts?: pulumi.CustomResourceOptions) {
        super("test:index:Thing", name, {}, opts);
      }
    }
    class Parent extends pulumi.ComponentResource {
      constructor(name: string) {
        super("test:index:Parent", name);
        new Thing(`${name}-child`, { parent: this });
        this.registerOutputs({});
      }
    }
    const parent = new Parent("p");
    const custom = new Thing("thing");
    expect(await resourcesOf(custom.urn)).toEqual([custom]);
    const children = await componentChildren(parent);
    expect(children).toHaveLength(1);
    expect(children![0]).toBeInstanceOf(Thing);
  });

  it("markAsRunError: the SDK's RunError.isInstance, which the program runner asks, recognizes the mark", () => {
    const err = new Error("expected");
    expect(pulumi.RunError.isInstance(err)).toBe(false);
    markAsRunError(err);
    expect(pulumi.RunError.isInstance(err)).toBe(true);
  });

  it("sdkGrpc: the SDK's own grpc-js, whose credentials its generated stubs accept: a DEBUG line reaches an engine over a real socket", async () => {
    const grpcJs = sdkGrpc();
    const stubs = require("@pulumi/pulumi/proto/engine_grpc_pb") as typeof import("@pulumi/pulumi/proto/engine_grpc_pb");
    const received: { severity: number; message: string }[] = [];
    const server = new grpcJs.Server();
    server.addService(stubs.EngineService, {
      log: (call: { request: LogRequest }, done: (err: null, reply: Empty) => void) => {
        received.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
        done(null, new Empty());
      },
    } as unknown as import("@grpc/grpc-js").UntypedServiceImplementation);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpcJs.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    try {
      const log = new EngineLog(grpcJs, `127.0.0.1:${port}`);
      expect(log.send("debug", "one line")).toBe(true);
      expect(new EngineLog(grpcJs, undefined).send("debug", "nowhere")).toBe(false);
      await until(() => received.length === 1, "the engine has the line");
      expect(received).toEqual([{ severity: LogSeverity.DEBUG, message: "one line" }]);
    } finally {
      server.forceShutdown();
    }
  });
});
