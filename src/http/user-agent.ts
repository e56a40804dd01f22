// A browser's User-Agent, shortened to what a person recognizes: "macOS (Safari)". Used to
// name a new passkey and to say in a security email which browser made a change. Only
// the operating system and the browser family: nothing that tells one device from another.

const BROWSERS = [
  [/Edg\//, "Edge"],
  [/OPR\//, "Opera"],
  [/Firefox\//, "Firefox"],
  [/Chrom(e|ium)\//, "Chrome"],
  [/Safari\//, "Safari"],
] as const;

const SYSTEMS = [
  [/Android/, "Android"],
  [/iPhone|iPad|iPod/, "iOS"],
  [/CrOS/, "ChromeOS"],
  [/Mac OS X|Macintosh/, "macOS"],
  [/Windows/, "Windows"],
  [/Linux/, "Linux"],
] as const;

/** "macOS (Safari)", "Firefox", "Android"; null when the User-Agent names neither. */
export function shortUserAgent(userAgent: string | null | undefined): string | null {
  const ua = userAgent ?? "";
  const browser = BROWSERS.find(([pattern]) => pattern.test(ua))?.[1];
  const os = SYSTEMS.find(([pattern]) => pattern.test(ua))?.[1];
  return os && browser ? `${os} (${browser})` : (os ?? browser ?? null);
}
