// The one script of the passkey pages (sign-in, second factor, account, offer after
// sign-up): it runs the WebAuthn ceremony the server asked for and posts the result with
// the page's own form. Served from this origin at a versioned path (CSP script-src 'self',
// no inline script); without it the forms still post and the server explains.
//
// A form opts in with data-passkey="get" or "create" and data-options (where to POST its
// csrf field for fresh options, JSON). It carries a hidden "credential" field and an
// element [data-passkey-status] for messages; data-msg-* hold the texts, in the page's
// language. A "get" form with data-conditional also offers passkeys in the autofill of
// the page's autocomplete="username webauthn" field (mediation "conditional").

/** Bump with every change: browsers keep the file a year. */
export const PASSKEY_JS_PATH = "/assets/passkeys-v1.js";

export const PASSKEY_JS = `(() => {
"use strict";
const PKC = window.PublicKeyCredential;
const forms = document.querySelectorAll("form[data-passkey]");
const fromB64 = (s) => {
  const b = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b + "=".repeat((4 - (b.length % 4)) % 4));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out.buffer;
};
const toB64 = (buf) => {
  const bytes = new Uint8Array(buf);
  let bin = "";
  for (let i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
  return btoa(bin).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
};
const creationOptions = (json) => {
  if (PKC.parseCreationOptionsFromJSON) return PKC.parseCreationOptionsFromJSON(json);
  return Object.assign({}, json, {
    challenge: fromB64(json.challenge),
    user: Object.assign({}, json.user, { id: fromB64(json.user.id) }),
    excludeCredentials: (json.excludeCredentials || []).map((c) => Object.assign({}, c, { id: fromB64(c.id) })),
  });
};
const requestOptions = (json) => {
  if (PKC.parseRequestOptionsFromJSON) return PKC.parseRequestOptionsFromJSON(json);
  return Object.assign({}, json, {
    challenge: fromB64(json.challenge),
    allowCredentials: (json.allowCredentials || []).map((c) => Object.assign({}, c, { id: fromB64(c.id) })),
  });
};
const credentialJSON = (cred) => {
  if (typeof cred.toJSON === "function") {
    try { return cred.toJSON(); } catch (e) { /* build it by hand below */ }
  }
  const r = cred.response;
  const response = { clientDataJSON: toB64(r.clientDataJSON) };
  if (r.attestationObject) {
    response.attestationObject = toB64(r.attestationObject);
    response.transports = r.getTransports ? r.getTransports() : [];
  } else {
    response.authenticatorData = toB64(r.authenticatorData);
    response.signature = toB64(r.signature);
    if (r.userHandle) response.userHandle = toB64(r.userHandle);
  }
  return {
    id: cred.id, rawId: toB64(cred.rawId), type: cred.type, response,
    clientExtensionResults: cred.getClientExtensionResults ? cred.getClientExtensionResults() : {},
    authenticatorAttachment: cred.authenticatorAttachment || undefined,
  };
};
const say = (form, key) => {
  const status = form.querySelector("[data-passkey-status]");
  if (!status) return;
  status.textContent = key ? form.getAttribute("data-msg-" + key) || form.getAttribute("data-msg-failed") || "" : "";
  status.hidden = !status.textContent;
};
const fetchOptions = async (form) => {
  const body = new URLSearchParams({ csrf: form.elements.csrf.value });
  const res = await fetch(form.getAttribute("data-options"), {
    method: "POST", credentials: "same-origin", body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
  });
  if (!res.ok) throw new Error("options " + res.status);
  return res.json();
};
const send = (form, cred) => {
  form.elements.credential.value = JSON.stringify(credentialJSON(cred));
  form.setAttribute("data-sending", "1");
  form.submit();
};
let conditional = null;
const failure = (form, error) => {
  const name = error && error.name;
  if (name === "AbortError") return;
  say(form, name === "NotAllowedError" ? "cancelled" : name === "InvalidStateError" ? "exists" : "failed");
};
const ceremony = async (form) => {
  if (!PKC || !navigator.credentials) return say(form, "unsupported");
  if (conditional) { conditional.abort(); conditional = null; }
  say(form, "");
  try {
    const json = await fetchOptions(form);
    const cred = form.getAttribute("data-passkey") === "create"
      ? await navigator.credentials.create({ publicKey: creationOptions(json) })
      : await navigator.credentials.get({ publicKey: requestOptions(json) });
    if (cred) send(form, cred);
  } catch (error) {
    failure(form, error);
  }
};
// Leaving the page by another form (the password): the waiting autofill request ends
// first, or the browser may still hold it when the next page asks for a passkey.
document.addEventListener("submit", (event) => {
  if (conditional && !event.target.hasAttribute("data-passkey")) { conditional.abort(); conditional = null; }
}, true);
window.addEventListener("pagehide", () => { if (conditional) conditional.abort(); });
forms.forEach((form) => {
  form.addEventListener("submit", (event) => {
    if (form.getAttribute("data-sending")) return;
    event.preventDefault();
    ceremony(form);
  });
  if (form.getAttribute("data-conditional") === null || !PKC || !PKC.isConditionalMediationAvailable) return;
  PKC.isConditionalMediationAvailable().then(async (available) => {
    if (!available) return;
    const controller = new AbortController();
    conditional = controller;
    try {
      const json = await fetchOptions(form);
      if (controller.signal.aborted) return;
      const cred = await navigator.credentials.get({
        publicKey: requestOptions(json), mediation: "conditional", signal: controller.signal,
      });
      if (cred) send(form, cred);
    } catch (error) {
      // The customer never asked for this one (no authenticator, another request won,
      // the autofill dismissed): nothing to tell them.
    }
  }).catch(() => {});
});
})();
`;
