"use client";
// Endpoint rows (address, port, weight) with add/remove; errors sit in the row's cells.
import type { ErrorClaims } from "@/components/ui/field-errors";
import { Field } from "@/components/ui/field";
import { endpointPath, newEndpoint, type EndpointRow } from "./cluster-form-model";

interface Props {
  rows: EndpointRow[];
  onChange: (rows: EndpointRow[]) => void;
  claims: ErrorClaims;
}

export function EndpointsEditor({ rows, onChange, claims }: Props) {
  const update = (i: number, patch: Partial<EndpointRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const listError = claims.get("load_assignment.endpoints[0].lb_endpoints") ?? claims.get("load_assignment.endpoints", false);
  return (
    <fieldset>
      <legend>Endpoints</legend>
      <p className="field-hint" style={{ marginTop: 0 }}>
        Upstream hosts of the cluster <span className="envoy-name">load_assignment.endpoints[0].lb_endpoints</span>
      </p>
      <div className="stack" style={{ gap: 8 }}>
        {rows.map((r, i) => {
          const base = `${endpointPath(i)}.endpoint.address.socket_address`;
          const n = i + 1;
          return (
            <div key={r.key} className="row" style={{ alignItems: "flex-start" }} data-testid="endpoint-row">
              <Field label={<><span className="sr-only">Endpoint {n} </span>Address</>} envoy="socket_address.address" error={claims.get(`${base}.address`)} className="ep-address">
                <input type="text" name={`${base}.address`} value={r.address} onChange={(e) => update(i, { address: e.target.value })} placeholder="127.0.0.1" autoComplete="off" className="mono" />
              </Field>
              <Field label={<><span className="sr-only">Endpoint {n} </span>Port</>} envoy="port_value" error={claims.get(`${base}.port_value`)} className="ep-port">
                <input type="text" name={`${base}.port_value`} inputMode="numeric" value={r.port} onChange={(e) => update(i, { port: e.target.value })} placeholder="8080" autoComplete="off" />
              </Field>
              <Field label={<><span className="sr-only">Endpoint {n} </span>Weight</>} envoy="load_balancing_weight" error={claims.get(`${endpointPath(i)}.load_balancing_weight`)} className="ep-weight">
                <input type="text" name={`${endpointPath(i)}.load_balancing_weight`} inputMode="numeric" value={r.weight} onChange={(e) => update(i, { weight: e.target.value })} placeholder="1" autoComplete="off" />
              </Field>
              <button
                type="button"
                className="btn small danger"
                style={{ marginTop: 22 }}
                aria-label={`Remove endpoint ${n}`}
                onClick={() => onChange(rows.filter((_, j) => j !== i))}
              >
                Remove
              </button>
            </div>
          );
        })}
        {listError && <span className="field-error" role="alert">{listError}</span>}
        <div>
          <button type="button" className="btn small" onClick={() => onChange([...rows, newEndpoint()])}>
            + Add endpoint
          </button>
        </div>
      </div>
    </fieldset>
  );
}
