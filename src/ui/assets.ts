// Static assets of the hosted pages, served from the worker itself so that the pages'
// Content-Security-Policy can say 'self' and nothing else.
// The version is part of the path: bump it with every change, browsers keep the file a year.
export const UI_CSS_PATH = "/assets/ui-v4.css";
export const FORM_POST_JS_PATH = "/assets/form-post-v1.js";

export const UI_CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b57d0;--danger:#b42318;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:28rem;margin:6vh auto;padding:2rem;background:#fff;border:1px solid var(--line);border-radius:12px}
main.wide{max-width:46rem}
main:has(> nav.tabs){max-width:46rem}
.table-scroll{overflow-x:auto}
h1{font-size:1.4rem;margin:0 0 1rem}
h2{font-size:1.1rem;margin:1.75rem 0 .5rem}
p{margin:.5rem 0}
a{color:var(--accent)}
.muted{color:var(--muted);font-size:.9rem}
.brand{margin:0 0 1.25rem}
.brand .logo{max-height:48px;max-width:12rem;display:block}
.brand-name{font-weight:700;margin:0;color:var(--muted)}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
.hint{display:block;color:var(--muted);font-size:.85rem;font-weight:400;margin:.15rem 0 .25rem}
p.hint{margin-top:1rem}
input[type=email],input[type=password],input[type=text],input[type=tel],input[type=date],input[type=number],input[type=url],select{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #8c959f;border-radius:6px;background:#fff;color:var(--ink)}
input.code{font-size:1.4rem;letter-spacing:.3em;font-variant-numeric:tabular-nums}
input[aria-invalid=true],select[aria-invalid=true]{border-color:var(--danger)}
.check{display:flex;gap:.6rem;align-items:flex-start;font-weight:400;margin:1rem 0 0}
.check input{margin-top:.3rem;width:1.1rem;height:1.1rem;flex:none}
input:focus-visible,button:focus-visible,a:focus-visible,select:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;width:100%;margin-top:1.25rem}
button.secondary{background:#fff;color:var(--accent)}
button.danger{background:var(--danger);border-color:var(--danger)}
button.link{background:none;border:0;color:var(--accent);padding:0;width:auto;margin:0;text-decoration:underline;font-weight:400}
.actions{display:flex;gap:.75rem}
.actions button{flex:1}
.error{color:var(--danger);background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:.6rem .75rem;margin:0 0 1rem}
.field-error{color:var(--danger);font-size:.9rem;margin:.25rem 0 0}
.notice{background:#eef4ff;border:1px solid #c7d7fe;border-radius:6px;padding:.6rem .75rem;margin:0 0 1rem}
.alternatives{margin-top:1.25rem;display:flex;flex-direction:column;gap:.5rem}
ul.scopes{padding-left:1.2rem}
.client{display:flex;align-items:center;gap:.75rem;margin-bottom:1rem}
.client img{width:40px;height:40px;border-radius:8px;object-fit:contain}
nav.tabs{display:flex;flex-wrap:wrap;gap:.25rem 1rem;margin:0 0 1rem;padding-bottom:.5rem;border-bottom:1px solid var(--line)}
nav.tabs a[aria-current=page]{font-weight:700;color:var(--ink)}
table{width:100%;border-collapse:collapse;font-size:.95rem}
th,td{text-align:left;padding:.45rem .35rem;border-bottom:1px solid var(--line);vertical-align:top}
td{overflow-wrap:anywhere}
td button{width:auto;margin:0;overflow-wrap:normal}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.35rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
pre.email{white-space:pre-wrap;overflow-wrap:anywhere;background:var(--bg);padding:.75rem;border-radius:6px;font-size:.9rem}
footer.links{margin-top:1.75rem;padding-top:.75rem;border-top:1px solid var(--line);display:flex;flex-wrap:wrap;gap:.5rem 1rem;font-size:.9rem}
@media (max-width:30rem){main{margin:0;border:0;border-radius:0;min-height:100vh;padding:1.25rem}}
`;

/** Submits the form_post response form; the page also has a button for when scripts are off. */
export const FORM_POST_JS = `document.forms[0].submit();`;
