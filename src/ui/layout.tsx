/** @jsxImportSource hono/jsx */
// The frame of every hosted page: the tenant's name or logo, the content, and the
// tenant's legal and help links. Server-rendered; works without JavaScript.
import type { Child, FC } from "hono/jsx";
import { UI_CSS_PATH } from "./assets";
import type { PageContext } from "./page";

export const Layout: FC<{ page: PageContext; title: string; children?: Child; script?: string }> = ({
  page,
  title,
  children,
  script,
}) => {
  const { t, links } = page;
  const footer = [
    links.terms ? { href: links.terms, label: t("common.terms") } : null,
    links.privacy ? { href: links.privacy, label: t("common.privacy") } : null,
    links.support ? { href: links.support, label: t("common.support") } : null,
  ].filter((link) => link !== null);
  return (
    <html lang={page.locale}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`${title} · ${page.tenantName}`}</title>
        <link rel="stylesheet" href={UI_CSS_PATH} />
        {page.stylesheet ? <link rel="stylesheet" href={page.stylesheet} /> : null}
      </head>
      <body>
        <main>
          <header class="brand">
            {page.logoUri ? (
              <img class="logo" src={page.logoUri} alt={page.tenantName} />
            ) : (
              <p class="brand-name">{page.tenantName}</p>
            )}
          </header>
          {children}
          {footer.length ? (
            <footer class="links">
              {footer.map((link) => (
                <a href={link.href} rel="noopener noreferrer" target="_blank">
                  {link.label}
                </a>
              ))}
            </footer>
          ) : null}
        </main>
        {script ? <script src={script} defer /> : null}
      </body>
    </html>
  );
};

/** An error message announced to screen readers when the page loads. */
export const ErrorMessage: FC<{ id: string; message: string | null | undefined }> = ({ id, message }) =>
  message ? (
    <p class="error" id={id} role="alert">
      {message}
    </p>
  ) : null;
