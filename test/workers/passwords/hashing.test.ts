// Password hashing: argon2id through the reference implementation compiled to
// WebAssembly, the legacy pbkdf2-sha256 import format, upgrades on verify, and the
// bounds on imported parameters. Each argon2id hash at the current parameters costs
// ~25 ms, so hashes are shared where a test only needs one.
import { beforeAll, describe, expect, it } from "vitest";
import {
  CURRENT_ARGON2,
  hashPassword,
  parsePasswordHash,
  PBKDF2_MAX_ITERATIONS,
  verifyAgainstNothing,
  verifyPassword,
} from "../../../src/passwords";
import { loadArgon2 } from "../../../src/passwords/argon2-module";
import { pbkdf2Hash, phcBase64 } from "../directory/fixtures";

const utf8 = (s: string) => new TextEncoder().encode(s);
const CURRENT_PREFIX = "$argon2id$v=19$m=19456,t=2,p=1$";

/** An argon2id PHC string with chosen parameters (for weaker or imported hashes). */
async function argon2idWith(
  password: string | Uint8Array,
  params: { memoryKiB: number; passes: number; parallelism: number },
  salt: Uint8Array = crypto.getRandomValues(new Uint8Array(16)),
) {
  const argon2 = await loadArgon2();
  return argon2.hash(typeof password === "string" ? utf8(password) : password, salt, params);
}

describe("known-answer vectors", () => {
  // Source: computed outside this repository with Node.js v24.21.0's
  //   crypto.argon2Sync("argon2id", { message: Buffer.from(password, "utf8"),
  //     nonce: Buffer.from(salt, "utf8"), parallelism: 1, tagLength: 32, memory: 19456, passes: 2 })
  // (OpenSSL's Argon2, independent of the reference C code that src/passwords runs as
  // WebAssembly), then written as a PHC string (standard base64, no padding).
  // Password bytes: "correct horse battery staple" = 636f7272...706c65;
  // "p\u00e4ssw\u00f6rd\u20ac" = 70 c3a4 737377 c3b6 7264 e282ac (13 UTF-8 bytes, 9 UTF-16 units).
  const vectors = [
    {
      password: "correct horse battery staple",
      salt: "latchkey-kat-salt",
      phc: "$argon2id$v=19$m=19456,t=2,p=1$bGF0Y2hrZXkta2F0LXNhbHQ$nkIsi7T6dyJufVGAQTyL2E5JmsODKBhzsp12Mo+9KYg",
    },
    {
      password: "p\u00e4ssw\u00f6rd\u20ac",
      salt: "0123456789abcdef",
      phc: "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$7HrB8yXSztjeFJLFe/CbBoz3gggutgcH1CP+AvGAXec",
    },
  ];

  it.each(vectors)("argon2id($password, $salt) matches the independent implementation", async (vector) => {
    const argon2 = await loadArgon2();
    expect(argon2.hash(utf8(vector.password), utf8(vector.salt), CURRENT_ARGON2)).toBe(vector.phc);
  });

  it.each(vectors)("verifyPassword accepts the vector for $password and nothing else", async (vector) => {
    expect(await verifyPassword(vector.phc, vector.password)).toEqual({ valid: true });
    expect((await verifyPassword(vector.phc, `${vector.password}x`)).valid).toBe(false);
    expect((await verifyPassword(vector.phc, vector.password.slice(0, -1))).valid).toBe(false);
  });
});

describe("hashPassword and verifyPassword (argon2id)", () => {
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword("correct horse battery staple");
  });

  it("writes $argon2id$v=19$m=19456,t=2,p=1$ with a 16-byte salt and a 32-byte hash", async () => {
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parsePasswordHash(hash)).toEqual({ scheme: "argon2id", params: CURRENT_ARGON2 });
    expect(CURRENT_ARGON2).toEqual({ memoryKiB: 19_456, passes: 2, parallelism: 1 });
  });

  it("salts every hash", async () => {
    const again = await hashPassword("correct horse battery staple");
    expect(again).not.toBe(hash);
    expect(again.split("$")[4]).not.toBe(hash.split("$")[4]);
  });

  it("verifies the right password, without asking for an upgrade", async () => {
    expect(await verifyPassword(hash, "correct horse battery staple")).toEqual({ valid: true });
  });

  it.each(["correct horse battery stapl", "correct horse battery staple ", "Correct horse battery staple", "", "x"])(
    "refuses %j",
    async (wrong) => {
      expect(await verifyPassword(hash, wrong)).toEqual({ valid: false });
    },
  );

  it("refuses, without throwing, a stored value it cannot parse", async () => {
    for (const stored of [
      "",
      "plaintext",
      "$2b$12$abcdefghijklmnopqrstuuJ0n0Jb9gJ3J0k1r5m7A8Cqk9y6g2l6a",
      hash.replace("argon2id", "argon2i"),
    ])
      expect(await verifyPassword(stored, "correct horse battery staple")).toEqual({ valid: false });
  });

  it("verifyAgainstNothing returns false", async () => {
    expect(await verifyAgainstNothing("anything at all")).toBe(false);
  });
});

describe("non-ASCII passwords", () => {
  // The two passwords differ only in their last character, which is 3 bytes of UTF-8:
  // a binding that passed the UTF-16 length (9) as the byte length (13) would hash
  // only "p\u00e4ssw\u00f6r" (9 bytes) for both.
  const euro = "p\u00e4ssw\u00f6rd\u20ac";
  const pound = "p\u00e4ssw\u00f6rd\u00a3";
  let hash: string;
  beforeAll(async () => {
    hash = await hashPassword(euro);
  });

  it("are hashed over their full UTF-8 bytes", async () => {
    expect(await verifyPassword(hash, euro)).toEqual({ valid: true });
    expect(await verifyPassword(hash, pound)).toEqual({ valid: false });
    expect(await verifyPassword(hash, "p\u00e4ssw\u00f6rd")).toEqual({ valid: false });
    expect(await verifyPassword(hash, "p\u00e4ssw\u00f6r")).toEqual({ valid: false });
  });

  it("give different argon2id outputs for the same salt when only a trailing byte differs", async () => {
    const salt = utf8("0123456789abcdef");
    const a = await argon2idWith(euro, CURRENT_ARGON2, salt);
    const b = await argon2idWith(pound, CURRENT_ARGON2, salt);
    expect(a).not.toBe(b);
    // Bytes past the UTF-16 length matter too: same 9-byte prefix, different tails.
    const c = await argon2idWith(utf8(euro).slice(0, 9), CURRENT_ARGON2, salt);
    expect(a).not.toBe(c);
  });

  it("verify in decomposed (NFD) form as well as composed", async () => {
    expect(await verifyPassword(hash, euro.normalize("NFD"))).toEqual({ valid: true });
  });
});

describe("NFKC normalization", () => {
  const fullwidth = "\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13"; // ｐａｓｓｗｏｒｄ１２３

  it("a password typed in fullwidth forms verifies against its ASCII form and back", async () => {
    expect(fullwidth.normalize("NFKC")).toBe("password123");
    const fromFullwidth = await hashPassword(fullwidth);
    expect(await verifyPassword(fromFullwidth, "password123")).toEqual({ valid: true });
    const fromAscii = await hashPassword("password123");
    expect(await verifyPassword(fromAscii, fullwidth)).toEqual({ valid: true });
    expect((await verifyPassword(fromAscii, "password124")).valid).toBe(false);
  });

  it("ligatures and compatibility characters fold (\ufb01 = fi)", async () => {
    const hash = await argon2idWith("final answer", CURRENT_ARGON2);
    expect(await verifyPassword(hash, "\ufb01nal answer")).toEqual({ valid: true });
  });

  it("an imported hash of the raw (unnormalized) password still verifies, and is upgraded to the normalized form", async () => {
    // Another system hashed the fullwidth bytes as typed.
    const imported = await argon2idWith(fullwidth, CURRENT_ARGON2);
    expect((await verifyPassword(imported, "password123")).valid).toBe(false);
    const check = await verifyPassword(imported, fullwidth);
    expect(check.valid).toBe(true);
    expect(check.upgradedHash?.startsWith(CURRENT_PREFIX)).toBe(true);
    expect(await verifyPassword(check.upgradedHash!, "password123")).toEqual({ valid: true });
  });
});

describe("pbkdf2-sha256 (import format)", () => {
  it("verifies a hash computed with Web Crypto at the maximum iterations and returns an argon2id upgrade", async () => {
    const stored = await pbkdf2Hash("hunter2 but longer", PBKDF2_MAX_ITERATIONS);
    expect(stored).toMatch(/^\$pbkdf2-sha256\$i=100000\$/);
    expect(PBKDF2_MAX_ITERATIONS).toBe(100_000);
    const check = await verifyPassword(stored, "hunter2 but longer");
    expect(check.valid).toBe(true);
    expect(check.upgradedHash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(await verifyPassword(check.upgradedHash!, "hunter2 but longer")).toEqual({ valid: true });
    expect(await verifyPassword(check.upgradedHash!, "hunter2 but longer!")).toEqual({ valid: false });
  });

  it("refuses a wrong password, with no upgrade", async () => {
    const stored = await pbkdf2Hash("hunter2 but longer", 1000);
    expect(await verifyPassword(stored, "hunter3 but longer")).toEqual({ valid: false });
  });

  it("accepts passlib's adapted base64 ('.' for '+')", async () => {
    // 0xfb bytes encode as "+/v7...": the salt holds '+' characters to adapt.
    const salt = new Uint8Array(16).fill(0xfb);
    const standard = await pbkdf2Hash("passlib password", 1000, salt);
    const [, , iterations, saltB64, hashB64] = standard.split("$");
    expect(saltB64).toContain("+");
    const passlib = `$pbkdf2-sha256$${iterations}$${saltB64!.replaceAll("+", ".")}$${hashB64!.replaceAll("+", ".")}`;
    expect((await verifyPassword(passlib, "passlib password")).valid).toBe(true);
    expect((await verifyPassword(passlib, "passlib passwore")).valid).toBe(false);
  });

  it("refuses more than 100,000 iterations even when the hash is right", async () => {
    const stored = await pbkdf2Hash("too many rounds", PBKDF2_MAX_ITERATIONS + 1);
    expect(parsePasswordHash(stored)).toEqual({ error: expect.stringContaining("iterations") });
    expect(await verifyPassword(stored, "too many rounds")).toEqual({ valid: false });
  });

  it("parses iterations, salt and hash bytes", async () => {
    const salt = utf8("sixteen byte slt");
    const stored = await pbkdf2Hash("x", 1, salt);
    const parsed = parsePasswordHash(stored);
    expect(parsed).toMatchObject({ scheme: "pbkdf2-sha256", iterations: 1 });
    if (!("scheme" in parsed) || parsed.scheme !== "pbkdf2-sha256") throw new Error("not pbkdf2");
    expect([...parsed.salt]).toEqual([...salt]);
    expect(parsed.hash.length).toBe(32);
    expect(phcBase64(parsed.hash)).toBe(stored.split("$")[4]);
  });
});

describe("upgrades of weaker argon2id parameters", () => {
  it("upgrades m=4096,t=1 to the current parameters on success only", async () => {
    const weak = await argon2idWith("weak params pass", { memoryKiB: 4096, passes: 1, parallelism: 1 });
    expect(weak.startsWith("$argon2id$v=19$m=4096,t=1,p=1$")).toBe(true);
    const check = await verifyPassword(weak, "weak params pass");
    expect(check.valid).toBe(true);
    expect(check.upgradedHash?.startsWith(CURRENT_PREFIX)).toBe(true);
    expect(await verifyPassword(check.upgradedHash!, "weak params pass")).toEqual({ valid: true });
    expect(await verifyPassword(weak, "weak params pasS")).toEqual({ valid: false });
  });

  it("upgrades too few passes at the current memory", async () => {
    const weak = await argon2idWith("one pass only", { memoryKiB: 19_456, passes: 1, parallelism: 1 });
    expect((await verifyPassword(weak, "one pass only")).upgradedHash?.startsWith(CURRENT_PREFIX)).toBe(true);
  });

  it("keeps stronger parameters as they are", async () => {
    const strong = await argon2idWith("three passes", { memoryKiB: 19_456, passes: 3, parallelism: 1 });
    expect(await verifyPassword(strong, "three passes")).toEqual({ valid: true });
  });
});

describe("parsePasswordHash bounds", () => {
  const salt = "c2FsdHNhbHRzYWx0c2FsdA"; // 16 bytes
  const hash = "A".repeat(43); // 32 bytes
  const argon2 = (m: number, t: number, p: number) => `$argon2id$v=19$m=${m},t=${t},p=${p}$${salt}$${hash}`;
  const pbkdf2 = (i: number) => `$pbkdf2-sha256$i=${i}$${salt}$${hash}`;

  it.each([
    [argon2(19_456, 2, 1), { memoryKiB: 19_456, passes: 2, parallelism: 1 }],
    [argon2(65_536, 10, 8), { memoryKiB: 65_536, passes: 10, parallelism: 8 }],
    [argon2(8, 1, 1), { memoryKiB: 8, passes: 1, parallelism: 1 }],
    [argon2(64, 1, 8), { memoryKiB: 64, passes: 1, parallelism: 8 }],
  ])("accepts %s", (stored, params) => {
    expect(parsePasswordHash(stored)).toEqual({ scheme: "argon2id", params });
  });

  it.each([
    [argon2(65_537, 2, 1), "memory above 64 MiB"],
    [argon2(7, 1, 1), "memory below 8 KiB per lane"],
    [argon2(15, 1, 2), "memory below 8*p"],
    [argon2(19_456, 0, 1), "zero passes"],
    [argon2(19_456, 11, 1), "more than 10 passes"],
    [argon2(19_456, 2, 0), "zero parallelism"],
    [argon2(65_536, 2, 9), "parallelism above 8"],
    [argon2(1_000_000_000, 2, 1), "memory beyond the pattern"],
    [argon2(19_456, 2, 1).replace("v=19", "v=16"), "argon2 version 1.0"],
    [argon2(19_456, 2, 1).replace("argon2id", "argon2i"), "argon2i"],
    [argon2(19_456, 2, 1).replace("argon2id", "argon2d"), "argon2d"],
    [`$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$${hash}`, "salt under 8 bytes"],
    [`$argon2id$v=19$m=19456,t=2,p=1$${salt}$AAAA`, "hash under 16 bytes"],
    [`${argon2(19_456, 2, 1)}\n`, "trailing newline"],
    [pbkdf2(PBKDF2_MAX_ITERATIONS + 1), "pbkdf2 above 100,000 iterations"],
    [pbkdf2(1_000_000), "pbkdf2 far above the limit"],
    [pbkdf2(0), "pbkdf2 zero iterations"],
    [`$pbkdf2-sha512$i=1000$${salt}$${hash}`, "pbkdf2-sha512"],
    ["$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", "bcrypt"],
    ["5f4dcc3b5aa765d61d8327deb882cf99", "bare md5"],
    ["", "empty"],
  ])("refuses %s (%s)", (stored) => {
    const parsed = parsePasswordHash(stored);
    expect(parsed).toEqual({ error: expect.any(String) });
  });

  it("accepts pbkdf2 at exactly 1 and 100,000 iterations", () => {
    expect(parsePasswordHash(pbkdf2(1))).toMatchObject({ scheme: "pbkdf2-sha256", iterations: 1 });
    expect(parsePasswordHash(pbkdf2(100_000))).toMatchObject({ scheme: "pbkdf2-sha256", iterations: 100_000 });
  });
});
