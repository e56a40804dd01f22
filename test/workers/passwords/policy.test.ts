// passwordProblem: 8..256 Unicode code points of the NFKC-normalized password.
import { describe, expect, it } from "vitest";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, passwordProblem } from "../../../src/passwords";

const TOO_SHORT = "must be at least 8 characters long";
const TOO_LONG = "must be at most 256 characters long";
const emoji = "\u{1F600}"; // two UTF-16 code units, one code point

describe("passwordProblem", () => {
  it("has the NIST 800-63B bounds", () => {
    expect(PASSWORD_MIN_LENGTH).toBe(8);
    expect(PASSWORD_MAX_LENGTH).toBe(256);
  });

  it.each([
    ["", TOO_SHORT],
    ["1234567", TOO_SHORT],
    ["12345678", null],
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
