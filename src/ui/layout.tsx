/** @jsxImportSource hono/jsx */
// The frame of every hosted page. Server-rendered; works without JavaScript.
import type { Child, FC } from "hono/jsx";
import { UI_CSS_PATH } from "./assets";

export const Layout: FC<{ title: string; children?: Child; script?: string }> = ({ title, children, script }) => (
  <html lang="en">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{title}</title>
      <link rel="stylesheet" href={UI_CSS_PATH} />
    </head>
    <body>
      <main>{children}</main>
      {script ? <script src={script} defer /> : null}
    </body>
  </html>
);

/** An error message announced to screen readers when the page loads. */
export const ErrorMessage: FC<{ id: string; message: string | null | undefined }> = ({ id, message }) =>
  message ? (
    <p class="error" id={id} role="alert">
      {message}
    </p>
  ) : null;
