"use client";
// Settings → Single sign-on (admin): the OpenID Connect provider (issuer, client id and secret, scopes), the claim
// carrying the user's groups and what each group maps to (role, teams). The secret is never shown again once saved.
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ApiError, errorMessage } from "@/components/queries/api-client";
import { useSaveSsoSettings, useSsoSettingsQuery } from "@/components/queries/use-account-security";
import { ErrorState } from "@/components/ui/error-state";
import { Field } from "@/components/ui/field";
import { Skeleton } from "@/components/ui/skeleton";
import { GroupMapping, type SsoSettings } from "@/lib/contract/accounts";
import { useSessionQuery } from "@/components/queries/use-session";
import { AdminOnlyCard } from "./settings-list-page";

export function SsoPage() {
  const settings = useSsoSettingsQuery();
  const role = useSessionQuery().data?.role;
  if (role !== undefined && role !== "admin") return <AdminOnlyCard title="Single sign-on" what="single sign-on" />;
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Single sign-on</h1>
          <p>
            <Link href="/settings">Settings</Link> · Sign in with an OpenID Connect provider. Its groups map to a role and teams on every sign-in;
            a user in no mapped group is a viewer.
          </p>
        </div>
      </div>
      {settings.isPending ? (
        <div className="card stack" role="status" aria-label="Loading single sign-on settings">
          <Skeleton width="30%" />
          <Skeleton />
        </div>
      ) : settings.isError ? (
        <ErrorState what="single sign-on settings" error={settings.error} onRetry={() => settings.refetch()} />
      ) : (
        <SsoForm saved={settings.data} />
      )}
    </>
  );
}

function SsoForm({ saved }: { saved: SsoSettings }) {
  const save = useSaveSsoSettings();
  const [name, setName] = useState(saved.name);
  const [issuer, setIssuer] = useState(saved.issuer);
  const [clientId, setClientId] = useState(saved.clientId);
  const [clientSecret, setClientSecret] = useState("");
  const [scopes, setScopes] = useState(saved.scopes.join(" "));
  const [groupsClaim, setGroupsClaim] = useState(saved.groupsClaim);
  const [mapping, setMapping] = useState(JSON.stringify(saved.groupMapping, null, 2));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [done, setDone] = useState(false);
  const env = new Set(saved.fromEnv);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    let groupMapping: GroupMapping;
    try {
      const r = GroupMapping.safeParse(JSON.parse(mapping));
      if (!r.success) return setErrors({ groupMapping: r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") });
      groupMapping = r.data;
    } catch (err) {
      return setErrors({ groupMapping: `not JSON: ${(err as Error).message}` });
    }
    setErrors({});
    save.mutate(
      { name, issuer, clientId, clientSecret: clientSecret || undefined, scopes: scopes.split(/\s+/).filter(Boolean), groupsClaim, groupMapping },
      {
        onSuccess: () => { setClientSecret(""); setDone(true); },
        onError: (err) => {
          const m = err instanceof ApiError ? /invalid body: ([\w.]+): (.*)/.exec(err.message) : null;
          setErrors(m ? { [m[1].split(".")[0]]: m[2] } : { form: errorMessage(err) });
        },
      },
    );
  };

  const fromEnv = (f: string) => (env.has(f as SsoSettings["fromEnv"][number]) ? "Set by the environment (SIGNALBOX_OIDC_*): it wins over this field." : undefined);
  return (
    <form className="card stack" onSubmit={submit} noValidate>
      <p style={{ margin: 0 }}>
        Register this redirect URI at the provider: <code className="mono">{saved.redirectUri}</code>
      </p>
      <Field label="Provider name" hint='The login page shows "Sign in with <name>".' error={errors.name}>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Issuer URL" hint={fromEnv("issuer") ?? "Its /.well-known/openid-configuration must be reachable from the console."} error={errors.issuer}>
        <input value={issuer} onChange={(e) => setIssuer(e.target.value)} spellCheck={false} />
      </Field>
      <Field label="Client ID" hint={fromEnv("clientId")} error={errors.clientId}>
        <input value={clientId} onChange={(e) => setClientId(e.target.value)} spellCheck={false} />
      </Field>
      <Field label="Client secret" hint={fromEnv("clientSecret") ?? (saved.clientSecret === "set" ? "Set. Leave empty to keep it." : "Not set.")} error={errors.clientSecret}>
        <input type="password" value={clientSecret} onChange={(e) => setClientSecret(e.target.value)} autoComplete="off" placeholder={saved.clientSecret === "set" ? "set" : ""} />
      </Field>
      <Field label="Scopes" hint="Space-separated; openid is always requested." error={errors.scopes}>
        <input value={scopes} onChange={(e) => setScopes(e.target.value)} spellCheck={false} />
      </Field>
      <Field label="Groups claim" hint={fromEnv("groupsClaim") ?? "The claim (ID token or userinfo) listing the user's groups."} error={errors.groupsClaim}>
        <input value={groupsClaim} onChange={(e) => setGroupsClaim(e.target.value)} spellCheck={false} />
      </Field>
      <Field label="Group mapping" hint='{"groups": {"sbx-admins": {"role": "admin"}, "payments-devs": {"role": "editor", "teams": ["payments"]}}}' error={errors.groupMapping}>
        <textarea className="mono" rows={8} value={mapping} onChange={(e) => setMapping(e.target.value)} spellCheck={false} />
      </Field>
      {errors.form && <p role="alert" className="small" style={{ color: "var(--red)", margin: 0 }}>{errors.form}</p>}
      {done && <p role="status" className="small" style={{ margin: 0 }}>Saved: the next sign-in uses these settings.</p>}
      <div>
        <button type="submit" className="btn primary" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save"}</button>
      </div>
    </form>
  );
}
