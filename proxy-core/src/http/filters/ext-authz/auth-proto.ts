// The gRPC contract of an external authorization service, envoy.service.auth.v3.Authorization/Check, written
// for @grpc/proto-loader as a protobufjs JSON descriptor. Package, service, message and field names and numbers
// are those of Envoy's api/envoy/service/auth/v3/{external_auth,attribute_context}.proto and the core types they
// use; it is minimal: fields Signalbox neither sends nor reads are left out, which protobuf's wire format allows
// (a peer's extra fields are skipped on decode). The same definition serves the tests' authorization servers.
import { createRequire } from "node:module";
import type * as GrpcJs from "@grpc/grpc-js";
import type { ServiceClientConstructor, ServiceDefinition } from "@grpc/grpc-js";
import type * as ProtoLoader from "@grpc/proto-loader";

// @grpc/grpc-js and @grpc/proto-loader are loaded on first use, so a proxy without a gRPC authorization service
// (every process of one) does not pay for loading them at start
const load = createRequire(import.meta.url);
let grpcModule: typeof GrpcJs | null = null;

/** @grpc/grpc-js, loaded on first use. */
export function grpcJs(): typeof GrpcJs {
  return (grpcModule ??= load("@grpc/grpc-js") as typeof GrpcJs);
}

const field = (type: string, id: number) => ({ type, id });
const repeatedField = (type: string, id: number) => ({ rule: "repeated", type, id });
const mapField = (id: number) => ({ keyType: "string", type: "string", id });

const CORE_V3 = {
  SocketAddress: { fields: { address: field("string", 2), port_value: field("uint32", 3) } },
  Address: { oneofs: { address: { oneof: ["socket_address"] } }, fields: { socket_address: field("SocketAddress", 1) } },
  HeaderValue: { fields: { key: field("string", 1), value: field("string", 2), raw_value: field("bytes", 3) } },
  HeaderValueOption: {
    fields: {
      header: field("HeaderValue", 1),
      append: field("google.protobuf.BoolValue", 2),
      append_action: field("HeaderAppendAction", 3),
      keep_empty_value: field("bool", 4),
    },
    nested: { HeaderAppendAction: { values: { APPEND_IF_EXISTS_OR_ADD: 0, ADD_IF_ABSENT: 1, OVERWRITE_IF_EXISTS_OR_ADD: 2, OVERWRITE_IF_EXISTS: 3 } } },
  },
  QueryParameter: { fields: { key: field("string", 1), value: field("string", 2) } },
};

const AUTH_V3 = {
  Authorization: { methods: { Check: { requestType: "CheckRequest", responseType: "CheckResponse" } } },
  CheckRequest: { fields: { attributes: field("AttributeContext", 1) } },
  AttributeContext: {
    fields: {
      source: field("Peer", 1),
      destination: field("Peer", 2),
      request: field("Request", 4),
      context_extensions: mapField(10),
      tls_session: field("TLSSession", 12),
    },
    nested: {
      Peer: {
        fields: {
          address: field("envoy.config.core.v3.Address", 1),
          service: field("string", 2),
          labels: mapField(3),
          principal: field("string", 4),
          certificate: field("string", 5),
        },
      },
      Request: { fields: { time: field("google.protobuf.Timestamp", 1), http: field("HttpRequest", 2) } },
      HttpRequest: {
        fields: {
          id: field("string", 1),
          method: field("string", 2),
          headers: mapField(3),
          path: field("string", 4),
          host: field("string", 5),
          scheme: field("string", 6),
          query: field("string", 7),
          fragment: field("string", 8),
          size: field("int64", 9),
          protocol: field("string", 10),
          body: field("string", 11),
          raw_body: field("bytes", 12),
        },
      },
      TLSSession: { fields: { sni: field("string", 1) } },
    },
  },
  DeniedHttpResponse: {
    fields: { status: field("envoy.type.v3.HttpStatus", 1), headers: repeatedField("envoy.config.core.v3.HeaderValueOption", 2), body: field("string", 3) },
  },
  OkHttpResponse: {
    fields: {
      headers: repeatedField("envoy.config.core.v3.HeaderValueOption", 2),
      headers_to_remove: repeatedField("string", 5),
      response_headers_to_add: repeatedField("envoy.config.core.v3.HeaderValueOption", 6),
      query_parameters_to_set: repeatedField("envoy.config.core.v3.QueryParameter", 7),
      query_parameters_to_remove: repeatedField("string", 8),
    },
  },
  CheckResponse: {
    oneofs: { http_response: { oneof: ["denied_response", "ok_response", "error_response"] } },
    fields: {
      status: field("google.rpc.Status", 1),
      denied_response: field("DeniedHttpResponse", 2),
      ok_response: field("OkHttpResponse", 3),
      error_response: field("DeniedHttpResponse", 5),
    },
  },
};

const DESCRIPTOR = {
  nested: {
    google: {
      nested: {
        protobuf: {
          nested: {
            Timestamp: { fields: { seconds: field("int64", 1), nanos: field("int32", 2) } },
            BoolValue: { fields: { value: field("bool", 1) } },
          },
        },
        rpc: { nested: { Status: { fields: { code: field("int32", 1), message: field("string", 2) } } } },
      },
    },
    envoy: {
      nested: {
        config: { nested: { core: { nested: { v3: { nested: CORE_V3 } } } } },
        // envoy.type.v3.HttpStatus.code is the StatusCode enum: a varint on the wire, read here as its number
        type: { nested: { v3: { nested: { HttpStatus: { fields: { code: field("uint32", 1) } } } } } },
        service: { nested: { auth: { nested: { v3: { nested: AUTH_V3 } } } } },
      },
    },
  },
};

/** proto-loader's mapping: field names as written, enums and 64-bit integers as numbers, oneofs named. */
const OPTIONS: ProtoLoader.Options = { keepCase: true, enums: Number, longs: Number, defaults: false, oneofs: true };

let constructor: ServiceClientConstructor | null = null;

/** The generated client class of envoy.service.auth.v3.Authorization (built once). */
export function authorizationClient(): ServiceClientConstructor {
  if (constructor === null) {
    const { fromJSON } = load("@grpc/proto-loader") as typeof ProtoLoader;
    const pkg = grpcJs().loadPackageDefinition(fromJSON(DESCRIPTOR as unknown as Parameters<typeof fromJSON>[0], OPTIONS)) as unknown as { envoy: { service: { auth: { v3: { Authorization: ServiceClientConstructor } } } } };
    constructor = pkg.envoy.service.auth.v3.Authorization;
  }
  return constructor;
}

/** The service definition, for a server implementing Check (the tests' authorization servers). */
export function authorizationService(): ServiceDefinition {
  return authorizationClient().service;
}

/** Canonical gRPC status codes this filter tells apart (google.rpc.Code). */
export const GrpcCode = { OK: 0, DEADLINE_EXCEEDED: 4, PERMISSION_DENIED: 7, UNAVAILABLE: 14 } as const;

// ---- the messages as proto-loader hands them over (keepCase, defaults: false: absent fields are undefined)

export interface HeaderValueOptionMessage {
  header?: { key?: string; value?: string };
  append?: { value?: boolean } | null;
  append_action?: number;
}

export interface DeniedHttpResponseMessage {
  status?: { code?: number } | null;
  headers?: HeaderValueOptionMessage[];
  body?: string;
}

export interface CheckResponseMessage {
  status?: { code?: number; message?: string } | null;
  http_response?: "denied_response" | "ok_response" | "error_response";
  denied_response?: DeniedHttpResponseMessage | null;
  error_response?: DeniedHttpResponseMessage | null;
  ok_response?: {
    headers?: HeaderValueOptionMessage[];
    headers_to_remove?: string[];
    response_headers_to_add?: HeaderValueOptionMessage[];
    query_parameters_to_set?: { key?: string; value?: string }[];
    query_parameters_to_remove?: string[];
  } | null;
}

export interface PeerMessage {
  address: { socket_address: { address: string; port_value: number } };
  service?: string;
  principal?: string;
  certificate?: string;
}

export interface CheckRequestMessage {
  attributes: {
    source: PeerMessage;
    destination: PeerMessage;
    request: {
      time: { seconds: number; nanos: number };
      http: {
        id: string;
        method: string;
        headers: Record<string, string>;
        path: string;
        host: string;
        scheme: string;
        size: number;
        protocol: string;
        body?: string;
        raw_body?: Buffer;
      };
    };
    context_extensions: Record<string, string>;
    tls_session?: { sni: string };
  };
}
