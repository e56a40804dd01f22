// Static assets of the hosted pages, served from the worker itself so that the pages'
// Content-Security-Policy can say 'self' and nothing else.
export const UI_CSS_PATH = "/assets/ui-v1.css";
export const FORM_POST_JS_PATH = "/assets/form-post-v1.js";

export const UI_CSS = `
:root{color-scheme:light;--ink:#1b1f24;--muted:#57606a;--line:#d0d7de;--accent:#0b57d0;--danger:#b42318;--bg:#f6f8fa}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:26rem;margin:8vh auto;padding:2rem;background:#fff;border:1px solid var(--line);border-radius:12px}
h1{font-size:1.4rem;margin:0 0 1rem}
p{margin:.5rem 0}
.muted{color:var(--muted);font-size:.9rem}
label{display:block;font-weight:600;margin:1rem 0 .25rem}
input[type=email],input[type=password],input[type=text]{width:100%;padding:.6rem .7rem;font:inherit;border:1px solid #8c959f;border-radius:6px}
input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
button{font:inherit;font-weight:600;padding:.65rem 1rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;width:100%;margin-top:1.25rem}
button.secondary{background:#fff;color:var(--accent)}
.actions{display:flex;gap:.75rem}
.actions button{flex:1}
.error{color:var(--danger);background:#fef3f2;border:1px solid #fecdca;border-radius:6px;padding:.6rem .75rem;margin:0 0 1rem}
ul.scopes{padding-left:1.2rem}
.client{display:flex;align-items:center;gap:.75rem;margin-bottom:1rem}
.client img{width:40px;height:40px;border-radius:8px;object-fit:contain}
@media (max-width:30rem){main{margin:0;border:0;border-radius:0;min-height:100vh}}
`;

/** Submits the form_post response form; the page also has a button for when scripts are off. */
export const FORM_POST_JS = `document.forms[0].submit();`;
