"use client";
// Every draft listener: where it listens, what it speaks, its certificates (TLS secrets by name with their
// expiry and a warning from 30 days before it, or "file") and SNI names, and its virtual hosts with their
// domains and route counts.
import type { DraftListenerItem, ListenerFilterChain } from "@/lib/contract/listeners";
import type { SecretInfo } from "@/lib/contract/secrets";
import { SecretExpiry } from "@/components/secrets/secret-expiry";
import { DataTable, type Column } from "@/components/ui/data-table";
import { OwnerControl, useOwnerColumn } from "@/components/teams/owner-control";

const PROTOCOL_LABEL = { http: "HTTP", https: "HTTPS", tcp: "TCP" } as const;

const hostPort = (l: DraftListenerItem) => `${l.address.includes(":") ? `[${l.address}]` : l.address}:${l.port}`;

/** The secrets by name (undefined while they load: names are shown without their expiry). */
export type SecretsByName = ReadonlyMap<string, SecretInfo> | undefined;

function SecretCertificate({ name, secrets }: { name: string; secrets: SecretsByName }) {
  const s = secrets?.get(name);
  return (
    <>
      <code title="TLS secret">{name}</code>{" "}
      {s ? <SecretExpiry secret={s} /> : secrets ? <span className="chip red">no such secret</span> : null}
    </>
  );
}

function Certificates({ chains, secrets }: { chains: ListenerFilterChain[]; secrets: SecretsByName }) {
  const withTls = chains.filter((c) => c.certificates.length > 0 || c.secrets.length > 0);
  if (withTls.length === 0) return <span className="muted small">—</span>;
  const sni = (c: ListenerFilterChain) => c.serverNames.length > 0 && <span className="muted"> · SNI {c.serverNames.join(", ")}</span>;
  return (
    <ul className="tag-list small" style={{ margin: 0, padding: 0, listStyle: "none" }}>
      {withTls.flatMap((c) => [
        ...c.secrets.map((name, i) => (
          <li key={`${c.index}/s${i}`} data-testid="listener-secret">
            <SecretCertificate name={name} secrets={secrets} />
            {sni(c)}
          </li>
        )),
        ...c.certificates.map((cert, i) => (
          <li key={`${c.index}/${i}`}>
            {cert.certificateChain === null ? (
              <span className="muted">inline PEM</span>
            ) : (
              <>
                <span className="badge">file</span> <code title={`key: ${cert.privateKey ?? "inline PEM"}`}>{cert.certificateChain}</code>
              </>
            )}
            {sni(c)}
          </li>
        )),
      ])}
    </ul>
  );
}

function VirtualHosts({ l }: { l: DraftListenerItem }) {
  if (l.protocol === "tcp" && l.virtualHosts.length === 0) return <span className="small">→ cluster {l.cluster ? <code>{l.cluster}</code> : "(weighted)"}</span>;
  if (l.virtualHosts.length === 0) return <span className="chip amber plain" title="Every request gets 404 until a virtual host is added">none</span>;
  return (
    <ul className="small" style={{ margin: 0, padding: 0, listStyle: "none" }}>
      {l.virtualHosts.map((v) => (
        <li key={`${v.filterChainIndex}/${v.name}`}>
          <strong>{v.name}</strong> <span className="mono">{v.domains.join(", ")}</span>{" "}
          <span className="muted">
            · {v.routes} {v.routes === 1 ? "route" : "routes"}
          </span>
        </li>
      ))}
    </ul>
  );
}

function VirtualHostOwners({ l }: { l: DraftListenerItem }) {
  if (l.virtualHosts.length === 0) return <span className="muted small">—</span>;
  return (
    <ul className="small" style={{ margin: 0, padding: 0, listStyle: "none" }}>
      {l.virtualHosts.map((v) => (
        <li key={`${v.filterChainIndex}/${v.name}`}>
          <OwnerControl owner={v.owner} label={`virtual host ${l.name}/${v.name}`} target={{ kind: "virtual_host", listener: l.name, name: v.name }} />
        </li>
      ))}
    </ul>
  );
}

/** `readOnly`: a viewer's table, without the Edit and Delete column. */
export function ListenerTable({ rows, secrets, onEdit, onDelete, readOnly = false }: { rows: DraftListenerItem[]; secrets: SecretsByName; onEdit: (name: string) => void; onDelete: (l: DraftListenerItem) => void; readOnly?: boolean }) {
  const withOwner = useOwnerColumn(rows.flatMap((l) => l.virtualHosts.map((v) => v.owner)));
  const all: Column<DraftListenerItem>[] = [
    { key: "name", header: "Name", cell: (l) => <code>{l.name}</code> },
    { key: "address", header: "Address", cell: (l) => <span className="mono">{hostPort(l)}</span> },
    {
      key: "protocol",
      header: "Protocol",
      cell: (l) => (
        <span className={`badge${l.protocol === "https" ? " accent" : ""}`} title={l.filterChains.length > 1 ? `${l.filterChains.length} filter chains` : undefined}>
          {PROTOCOL_LABEL[l.protocol]}
        </span>
      ),
    },
    { key: "certificates", header: "Certificates", title: "TLS secrets (with their expiry) or certificate files per filter chain, with the SNI names the chain is picked for", cell: (l) => <Certificates chains={l.filterChains} secrets={secrets} /> },
    { key: "vhosts", header: "Virtual hosts", title: "Virtual hosts with their domains and how many routes each holds", cell: (l) => <VirtualHosts l={l} /> },
    { key: "owner", header: "Owner", title: "The team owning each virtual host (and its routes without an owner of their own)", cell: (l) => <VirtualHostOwners l={l} /> },
    {
      key: "actions",
      header: <span className="sr-only">Actions</span>,
      className: "actions",
      cell: (l) => (
        <div className="row" style={{ justifyContent: "flex-end", gap: 4 }}>
          <button type="button" className="btn small" aria-label={`Edit listener ${l.name}`} onClick={() => onEdit(l.name)}>
            Edit
          </button>
          <button type="button" className="btn small danger" aria-label={`Delete listener ${l.name}`} onClick={() => onDelete(l)}>
            Delete
          </button>
        </div>
      ),
    },
  ];
  const columns = all.filter((c) => (c.key !== "actions" || !readOnly) && (c.key !== "owner" || withOwner));
  return <DataTable label="Listeners" columns={columns} rows={rows} rowKey={(l) => l.name} rowTestId="listener-row" />;
}
