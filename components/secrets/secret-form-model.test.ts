import { describe, expect, it } from "vitest";
import { createBody, emptySecretForm, expiryNote, rotateBody } from "./secret-form-model";

describe("secret upload form", () => {
  it("sends only the kind's own fields, checked with the server's schema", () => {
    const f = { ...emptySecretForm(), name: "edge-cert", certificateChain: "CERT", privateKey: "KEY", trustedCa: "left over" };
    expect(createBody(f)).toEqual({ body: { name: "edge-cert", kind: "tls_certificate", certificate_chain: "CERT", private_key: "KEY" }, errors: [] });
    expect(createBody({ ...f, kind: "validation_context" }).body).toEqual({ name: "edge-cert", kind: "validation_context", trusted_ca: "left over" });
    expect(rotateBody(f).body).toEqual({ kind: "tls_certificate", certificate_chain: "CERT", private_key: "KEY" });
  });

  it("reports each problem at the body's field", () => {
    const paths = (f: Parameters<typeof createBody>[0]) => createBody(f).errors.map((e) => e.path);
    expect(paths(emptySecretForm())).toEqual(["name", "certificate_chain", "private_key"]);
    expect(paths({ ...emptySecretForm(), name: "a.b", certificateChain: "C", privateKey: "K" })).toEqual(["name"]);
    expect(rotateBody({ ...emptySecretForm("validation_context", "ca") }).errors.map((e) => e.path)).toEqual(["trusted_ca"]);
  });

  it("words the expiry: nothing when fine, days left within the warning, expired after", () => {
    expect(expiryNote({ status: "ok", daysLeft: 200 })).toBeNull();
    expect(expiryNote({ status: "expiring", daysLeft: 9 })).toBe("expires in 9 days");
    expect(expiryNote({ status: "expiring", daysLeft: 1 })).toBe("expires in 1 day");
    expect(expiryNote({ status: "expiring", daysLeft: 0 })).toBe("expires today");
    expect(expiryNote({ status: "expired", daysLeft: -1 })).toBe("expired");
    expect(expiryNote({ status: "expired", daysLeft: -12 })).toBe("expired 12 days ago");
  });
});
