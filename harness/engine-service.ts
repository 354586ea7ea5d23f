// The engine's own gRPC service (pulumirpc.Engine): where `pulumi.log` calls land when a process
// knows the engine's address. The harness records every message so tests can check them.

import * as grpc from '@grpc/grpc-js';
import * as emptyproto from 'google-protobuf/google/protobuf/empty_pb';
import * as engrpc from '@pulumi/pulumi/proto/engine_grpc_pb';
import * as engproto from '@pulumi/pulumi/proto/engine_pb';

export type Severity = 'debug' | 'info' | 'warning' | 'error';

export interface LogMessage {
  severity: Severity;
  message: string;
  urn: string;
}

const severities: Record<number, Severity> = {
  [engproto.LogSeverity.DEBUG]: 'debug',
  [engproto.LogSeverity.INFO]: 'info',
  [engproto.LogSeverity.WARNING]: 'warning',
  [engproto.LogSeverity.ERROR]: 'error',
};

export class EngineService {
  private constructor(private readonly server: grpc.Server, readonly address: string) {}

  static async start(onLog: (m: LogMessage) => void): Promise<EngineService> {
    const server = new grpc.Server();
    const unimplemented = (_call: unknown, cb: grpc.sendUnaryData<never>) =>
      cb({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented by the test harness' });
    server.addService(engrpc.EngineService, {
      log(call: grpc.ServerUnaryCall<engproto.LogRequest, emptyproto.Empty>, cb: grpc.sendUnaryData<emptyproto.Empty>) {
        const r = call.request;
        onLog({ severity: severities[r.getSeverity()] ?? 'info', message: r.getMessage(), urn: r.getUrn() });
        cb(null, new emptyproto.Empty());
      },
      getRootResource(_call: unknown, cb: grpc.sendUnaryData<engproto.GetRootResourceResponse>) {
        cb(null, new engproto.GetRootResourceResponse());
      },
      setRootResource(_call: unknown, cb: grpc.sendUnaryData<engproto.SetRootResourceResponse>) {
        cb(null, new engproto.SetRootResourceResponse());
      },
      startDebugging: unimplemented,
      requirePulumiVersion(_call: unknown, cb: grpc.sendUnaryData<engproto.RequirePulumiVersionResponse>) {
        cb(null, new engproto.RequirePulumiVersionResponse());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return new EngineService(server, `127.0.0.1:${port}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.tryShutdown(() => resolve()));
  }
}
