/** @jsxImportSource hono/jsx */
// The page where a user types the 6-digit code an email brought them: used by sign-up
// and email verification, each with its own texts.
import type { FC } from "hono/jsx";
import { CodeField } from "../../ui/code-field";
import { ErrorMessage } from "../../ui/form-errors";
import { Layout } from "../../ui/layout";
import type { PageContext } from "../../ui/page";

export interface CodePageProps {
  page: PageContext;
  title: string;
  /** What was sent where. */
  intro: string;
  /** "A new code was sent" after a resend. */
  notice?: string | null;
  error?: string | null;
  labels: { code: string; hint: string; submit: string; resend: string };
  action: string;
  resendAction: string;
  csrf: string;
  /** The code a link carried (prefilled, never acted on by a GET). */
  code?: string;
  /** A way back (another email address). */
  back?: { href: string; label: string } | null;
}

export const CodePage: FC<CodePageProps> = (props) => {
  const { page, error } = props;
  return (
    <Layout page={page} title={props.title}>
      <h1>{props.title}</h1>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <p>{props.intro}</p>
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="csrf" value={props.csrf} />
        <ErrorMessage id="code-error" message={error} />
        <CodeField
          label={props.labels.code}
          hint={props.labels.hint}
          value={props.code}
          autofocus
          error={error}
          errorId="code-error"
        />
        <button type="submit">{props.labels.submit}</button>
      </form>
      <form method="post" action={props.resendAction}>
        <input type="hidden" name="csrf" value={props.csrf} />
        <button type="submit" class="secondary">
          {props.labels.resend}
        </button>
      </form>
      {props.back ? (
        <div class="alternatives">
          <a href={props.back.href}>{props.back.label}</a>
        </div>
      ) : null}
    </Layout>
  );
};
