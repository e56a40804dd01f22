// passwordProblem / passwordIssue: 8..256 Unicode code points of the NFKC-normalized
// password, and not on the shipped list of common passwords.
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordIssue, passwordProblem } from "../../../src/passwords";
import commonPasswordsText from "../../../src/passwords/common-passwords.txt";

const TOO_SHORT = "must be at least 8 characters long";
const TOO_LONG = "must be at most 256 characters long";
const COMMON = "is too common: it is on a list of frequently used passwords";
const emoji = "\u{1F600}"; // two UTF-16 code units, one code point

describe("passwordProblem", () => {
  it("has the NIST 800-63B bounds", () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(256);
  });

  it.each([
    ["", TOO_SHORT],
    ["1234567", TOO_SHORT],
    ["12345678", COMMON],
    ["83920174", null],
    ["a".repeat(256), null],
    ["a".repeat(257), TOO_LONG],
    // Code points, not UTF-16 units: 7 emoji are 14 units but 7 characters.
    [emoji.repeat(7), TOO_SHORT],
    [emoji.repeat(8), null],
    [emoji.repeat(256), null],
    [emoji.repeat(257), TOO_LONG],
    // Counted after NFKC: each ligature is two letters, each e + combining acute is one é.
    ["\ufb01".repeat(4), null],
    ["\ufb01".repeat(3), TOO_SHORT],
    ["e\u0301".repeat(4), TOO_SHORT],
    ["e\u0301".repeat(8), null],
    ["\ufb03".repeat(86), TOO_LONG], // 258 letters after NFKC, 86 before
    ["        ", null], // spaces count; no composition rules
    ["p\u00e4ssw\u00f6rd\u20ac", null],
  ])("%j -> %s", (password, expected) => {
    expect(passwordProblem(password)).toBe(expected);
  });

  it("takes a tenant's higher minimum", () => {
    expect(passwordProblem("12345678901", 12)).toBe("must be at least 12 characters long");
    expect(passwordProblem("123456789012", 12)).toBeNull();
    expect(passwordProblem("a".repeat(257), 12)).toBe(TOO_LONG);
  });
});

describe("passwordIssue", () => {
  it.each([
    ["", "too_short"],
    ["1234567", "too_short"],
    ["a".repeat(257), "too_long"],
    // On the list: the most common ones, whatever their case or Unicode form.
    ["password", "common"],
    ["12345678", "common"],
    ["PassWord", "common"],
    ["PASSWORD1", "common"],
    ["\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44", "common"], // fullwidth "password"
    ["iloveyou", "common"],
    ["qwertyuiop", "common"],
    // Not on the list.
    ["correct horse battery staple", null],
    ["p\u00e4ssw\u00f6rd\u20ac", null],
    ["        ", null],
  ])("%j -> %s", (password, expected) => {
    expect(passwordIssue(password)).toBe(expected);
  });

  it("checks length before the list, with a tenant's higher minimum", () => {
    expect(passwordIssue("password", 12)).toBe("too_short");
    expect(passwordIssue("1qaz2wsx3edc", 12)).toBe("common");
    expect(passwordIssue("xq7-plover-9z", 12)).toBeNull();
  });

  it("ships a list of a few thousand normalized entries of at least 8 characters with its notice", () => {
    const lines = commonPasswordsText.split("\n");
    expect(lines[0]).toMatch(/^# .*common passwords/);
    expect(commonPasswordsText).toContain("MIT License");
    expect(commonPasswordsText).toContain("zxcvbn-ts");
    const entries = lines.filter((line) => line !== "" && !line.startsWith("#"));
    expect(entries.length).toBeGreaterThanOrEqual(2500);
    expect(entries.length).toBeLessThanOrEqual(10_000);
    for (const entry of entries) {
      expect([...entry].length).toBeGreaterThanOrEqual(8);
      expect(entry).toBe(entry.normalize("NFKC").toLowerCase());
    }
    // Every entry is refused, in any case.
    for (const entry of entries.slice(0, 200)) expect(passwordIssue(entry.toUpperCase())).toBe("common");
  });
});
