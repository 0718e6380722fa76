// Authorization services for the ext_authz tests: a gRPC one implementing envoy.service.auth.v3.Authorization/Check
// with @grpc/grpc-js and the proxy's own proto definition, an HTTP one on node:http, and the seed 002 front
// proxy's OPA policy for both: GET from anywhere, POST only over HTTPS, everything else 403.
import http from "node:http";
import { Server, ServerCredentials, status as GrpcStatus, type ServerUnaryCall, type sendUnaryData } from "@grpc/grpc-js";
import { authorizationService, type CheckRequestMessage, type CheckResponseMessage } from "../../src/http/filters/ext-authz/auth-proto";
import { startUpstream, type Upstream } from "./harness";

/** The seed's policy (its OPA rego): GET from anywhere; POST only when the request came over HTTPS. */
export function seedPolicyAllows(method: string, forwardedProto: string | undefined, scheme = ""): boolean {
  return method === "GET" || (method === "POST" && (forwardedProto === "https" || scheme === "https"));
}

/** A gRPC answer: a CheckResponse, or a failed call with this gRPC status code. */
export type GrpcAnswer = CheckResponseMessage | { grpcError: number };

export interface GrpcAuthz {
  port: number;
  checks: CheckRequestMessage[];
  close(): void;
}

/** A Check server on a free port; `answer` decides, now or later (a promise). */
export async function startGrpcAuthz(answer: (req: CheckRequestMessage) => GrpcAnswer | Promise<GrpcAnswer>): Promise<GrpcAuthz> {
  const server = new Server();
  const checks: CheckRequestMessage[] = [];
  server.addService(authorizationService(), {
    Check: (call: ServerUnaryCall<CheckRequestMessage, CheckResponseMessage>, cb: sendUnaryData<CheckResponseMessage>) => {
      checks.push(call.request);
      Promise.resolve(answer(call.request)).then((a) => ("grpcError" in a ? cb({ code: a.grpcError, details: "test error" }) : cb(null, a)));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, checks, close: () => server.forceShutdown() };
}

/** The seed policy as a Check answer: OK, or PERMISSION_DENIED with a 403 denied_response (as OPA answers). */
export function seedPolicyGrpc(req: CheckRequestMessage): GrpcAnswer {
  const h = req.attributes.request.http;
  if (seedPolicyAllows(h.method, h.headers["x-forwarded-proto"], h.scheme)) return { status: { code: GrpcStatus.OK } };
  return { status: { code: GrpcStatus.PERMISSION_DENIED }, denied_response: { status: { code: 403 } } };
}

export interface HttpAuthz extends Upstream {
  /** what each check request looked like */
  checks: { method: string; path: string; headers: http.IncomingHttpHeaders; body: string }[];
}

/** An HTTP authorization service; `answer` writes the response (after the request body was read). */
export async function startHttpAuthz(answer: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void): Promise<HttpAuthz> {
  const checks: HttpAuthz["checks"] = [];
  const u = await startUpstream((req, res) => {
    let body = "";
    req.setEncoding("latin1");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      checks.push({ method: req.method!, path: req.url!, headers: req.headers, body });
      answer(req, res, body);
    });
  });
  return Object.assign(u, { checks });
}

/** The seed policy as an HTTP service: 200 or 403 (it needs x-forwarded-proto in allowed_headers). */
export function seedPolicyHttp(req: http.IncomingMessage, res: http.ServerResponse) {
  res.statusCode = seedPolicyAllows(req.method!, req.headers["x-forwarded-proto"] as string | undefined) ? 200 : 403;
  res.end();
}
