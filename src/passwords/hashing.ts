// Password hashes are scheme-prefixed PHC strings, so that hashes of several schemes and
// parameter sets can live side by side and be upgraded one sign-in at a time:
//   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   what we write (OWASP ASVS 5.0 minimum)
//   $pbkdf2-sha256$i=100000$<salt>$<hash>          accepted on import, upgraded on sign-in
// PBKDF2 is only an import format: production Workers refuse Web Crypto PBKDF2 above
// 100,000 iterations, below what OWASP asks for SHA-256 today.
import type { Argon2Params } from "./argon2";
import { loadArgon2 } from "./argon2-module";
import { randomBytes, timingSafeEqual, utf8 } from "../crypto/encoding";

export const CURRENT_ARGON2: Argon2Params = { memoryKiB: 19_456, passes: 2, parallelism: 1 };
export const PBKDF2_MAX_ITERATIONS = 100_000;

// Bounds on imported argon2id parameters: enough for every sane source system, small
// enough that a hostile import cannot exhaust a Worker's 128 MB or its CPU budget.
const ARGON2_MAX_MEMORY_KIB = 65_536;
const ARGON2_MAX_PASSES = 10;
const ARGON2_MAX_PARALLELISM = 8;

export type ParsedHash =
  | { scheme: "argon2id"; params: Argon2Params }
  | { scheme: "pbkdf2-sha256"; iterations: number; salt: Uint8Array; hash: Uint8Array };

const ARGON2_PATTERN =
  /^\$argon2id\$v=19\$m=(\d{1,9}),t=(\d{1,4}),p=(\d{1,3})\$([A-Za-z0-9+/]{11,})\$([A-Za-z0-9+/]{22,})$/;
const PBKDF2_PATTERN = /^\$pbkdf2-sha256\$i=(\d{1,9})\$([A-Za-z0-9+/.]{11,})\$([A-Za-z0-9+/.]{22,})$/;

/** Parses a stored hash; returns a message naming the problem when it is not usable. */
export function parsePasswordHash(stored: string): ParsedHash | { error: string } {
  const argon2 = ARGON2_PATTERN.exec(stored);
  if (argon2) {
    const params = {
      memoryKiB: Number(argon2[1]),
      passes: Number(argon2[2]),
      parallelism: Number(argon2[3]),
    };
    if (params.memoryKiB > ARGON2_MAX_MEMORY_KIB || params.memoryKiB < 8 * params.parallelism)
      return { error: `argon2id memory must be between 8*p and ${ARGON2_MAX_MEMORY_KIB} KiB` };
    if (params.passes < 1 || params.passes > ARGON2_MAX_PASSES)
      return { error: `argon2id passes must be between 1 and ${ARGON2_MAX_PASSES}` };
    if (params.parallelism < 1 || params.parallelism > ARGON2_MAX_PARALLELISM)
      return { error: `argon2id parallelism must be between 1 and ${ARGON2_MAX_PARALLELISM}` };
    return { scheme: "argon2id", params };
  }
  const pbkdf2 = PBKDF2_PATTERN.exec(stored);
  if (pbkdf2) {
    const iterations = Number(pbkdf2[1]);
    if (iterations < 1 || iterations > PBKDF2_MAX_ITERATIONS)
      return {
        error: `pbkdf2-sha256 iterations must be between 1 and ${PBKDF2_MAX_ITERATIONS} (the most Workers compute)`,
      };
    const salt = decodePhcBase64(pbkdf2[2]!);
    const hash = decodePhcBase64(pbkdf2[3]!);
    if (!salt || !hash) return { error: "pbkdf2-sha256 salt and hash must be base64 without padding" };
    return { scheme: "pbkdf2-sha256", iterations, salt, hash };
  }
  return {
    error: "unsupported hash: expected $argon2id$v=19$m=..,t=..,p=..$salt$hash or $pbkdf2-sha256$i=..$salt$hash",
  };
}

/** NIST 800-63B asks verifiers to normalize Unicode before hashing. */
export function normalizePassword(password: string): string {
  return password.normalize("NFKC");
}

export async function hashPassword(password: string): Promise<string> {
  const argon2 = await loadArgon2();
  return argon2.hash(utf8.encode(normalizePassword(password)), randomBytes(16), CURRENT_ARGON2);
}

export interface PasswordCheck {
  valid: boolean;
  /** A fresh hash to store when the stored one used an older scheme or weaker parameters. */
  upgradedHash?: string;
}

export async function verifyPassword(stored: string, password: string): Promise<PasswordCheck> {
  const parsed = parsePasswordHash(stored);
  if ("error" in parsed) return { valid: false };
  const normalized = normalizePassword(password);
  // Hashes imported from elsewhere were computed over the password as typed; ours over
  // its normalized form. Try the raw form only when it differs.
  const candidates = normalized === password ? [normalized] : [normalized, password];
  for (const candidate of candidates) {
    if (await matches(parsed, stored, candidate)) {
      const upgrade = needsUpgrade(parsed) || candidate !== normalized;
      return upgrade ? { valid: true, upgradedHash: await hashPassword(password) } : { valid: true };
    }
  }
  return { valid: false };
}

/**
 * Spends the time a real verification would, for requests that name no account, so that
 * response times do not tell which accounts exist.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  const argon2 = await loadArgon2();
  // As many hashes as a failing verifyPassword computes: one per candidate form.
  const normalized = normalizePassword(password);
  for (const candidate of normalized === password ? [normalized] : [normalized, password])
    argon2.hash(utf8.encode(candidate), randomBytes(16), CURRENT_ARGON2);
  return false;
}

function needsUpgrade(parsed: ParsedHash): boolean {
  if (parsed.scheme !== "argon2id") return true;
  return parsed.params.memoryKiB < CURRENT_ARGON2.memoryKiB || parsed.params.passes < CURRENT_ARGON2.passes;
}

async function matches(parsed: ParsedHash, stored: string, password: string): Promise<boolean> {
  if (parsed.scheme === "argon2id") {
    const argon2 = await loadArgon2();
    return argon2.verify(stored, utf8.encode(password));
  }
  const key = await crypto.subtle.importKey("raw", utf8.encode(password), "PBKDF2", false, ["deriveBits"]);
  const derived = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: parsed.salt, iterations: parsed.iterations },
    key,
    parsed.hash.length * 8,
  );
  return timingSafeEqual(new Uint8Array(derived), parsed.hash);
}

/** PHC strings use standard base64 without padding (passlib writes '.' for '+'). */
function decodePhcBase64(value: string): Uint8Array | null {
  const standard = value.replaceAll(".", "+");
  if (standard.length % 4 === 1) return null;
  const padded = standard + "=".repeat((4 - (standard.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
