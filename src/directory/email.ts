// Email addresses are stored as given and in a normalized form used for uniqueness and
// lookups: NFC, lower case, and the domain in its ASCII (IDNA) form, so that
// "Ana@Exämple.com" and "ana@xn--exmple-cua.com" are one account.

const LOCAL_PART = /^[^\s@<>()[\]\\,;:"]{1,64}$/;
const HOST_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/i;

/** Returns the normalized address, or null when the input is not a usable address. */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().normalize("NFC");
  if (email.length > 254) return null;
  const at = email.lastIndexOf("@");
  if (at <= 0 || at === email.length - 1) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (!LOCAL_PART.test(local) || local.startsWith(".") || local.endsWith(".")) return null;
  if (local.includes("..")) return null;
  let asciiDomain: string;
  try {
    if (/[\s/?#@:[\]\\%]/.test(domain)) return null;
    asciiDomain = new URL(`http://${domain}`).hostname;
  } catch {
    return null;
  }
  // A public mail domain: at least two labels, each 1-63 letters, digits or inner
  // hyphens (after IDNA), and no bare IP literal.
  const labels = asciiDomain.split(".");
  if (labels.length < 2 || asciiDomain.length > 253 || /^[\d.]+$/.test(asciiDomain)) return null;
  if (!labels.every((label) => HOST_LABEL.test(label))) return null;
  return `${local.toLowerCase()}@${asciiDomain.toLowerCase()}`;
}
