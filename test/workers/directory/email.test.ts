// normalizeEmail: what it accepts (and the normalized form) and what it refuses.
import { describe, expect, it } from "vitest";
import { normalizeEmail } from "../../../src/directory";

describe("normalizeEmail", () => {
  const accepted: [string, string][] = [
    ["ana@example.com", "ana@example.com"],
    ["Ana@Example.COM", "ana@example.com"],
    ["  ana@example.com\n", "ana@example.com"],
    ["a.b+tag@sub.example.co.uk", "a.b+tag@sub.example.co.uk"],
    ["o'brien@example.ie", "o'brien@example.ie"],
    ["Ana@Exämple.com", "ana@xn--exmple-cua.com"],
    ["ana@EXÄMPLE.COM", "ana@xn--exmple-cua.com"],
    ["ana@xn--exmple-cua.com", "ana@xn--exmple-cua.com"],
    ["ana@exa\u0308mple.com", "ana@xn--exmple-cua.com"],
    ["user@例え.jp", "user@xn--r8jz45g.jp"],
    ["ana@ｅｘａｍｐｌｅ.com", "ana@example.com"],
    ["ana@example\u3002com", "ana@example.com"],
    ["Jos\u00e9@example.com", "jos\u00e9@example.com"],
    ["Jose\u0301@example.com", "jos\u00e9@example.com"],
    ["ÄNNE@example.com", "änne@example.com"],
    [`${"a".repeat(64)}@example.com`, `${"a".repeat(64)}@example.com`],
  ];

  it.each(accepted)("accepts %j as %j", (input, expected) => {
    expect(normalizeEmail(input)).toBe(expected);
  });

  const refused: [string, string][] = [
    ["", "empty"],
    ["   ", "blank"],
    ["ana", "no @"],
    ["@example.com", "empty local part"],
    ["ana@", "empty domain"],
    ["ana@localhost", "domain without a dot"],
    ["ana@127.0.0.1", "IPv4 literal"],
    ["ana@0x7f.0.0.1", "hex IPv4 literal"],
    ["ana@2130706433", "integer IPv4 literal"],
    ["ana@[127.0.0.1]", "bracketed IP literal"],
    ["ana@[::1]", "IPv6 literal"],
    ["ana@example.com.", "trailing dot"],
    [".ana@example.com", "local part starting with a dot"],
    ["ana.@example.com", "local part ending with a dot"],
    ["a..na@example.com", "consecutive dots"],
    ["a na@example.com", "space in the local part"],
    ["ana@exa mple.com", "space in the domain"],
    ['"ana"@example.com', "quoted local part"],
    ["ana<x>@example.com", "angle brackets"],
    ["a,b@example.com", "comma"],
    ["ana@example.com/path", "path after the domain"],
    ["ana@example.com?x=1", "query after the domain"],
    ["ana@example.com#x", "fragment after the domain"],
    ["ana@example.com:25", "port"],
    ["ana@user@example.com", "@ in the local part (last @ splits)"],
    ["ana@exa%41mple.com", "percent-encoding in the domain"],
    ["ana@exa\\mple.com", "backslash in the domain"],
    [`${"a".repeat(65)}@example.com`, "local part over 64"],
    [`ana@${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}.com`, "over 254 characters"],
  ];

  it.each(refused)("refuses %j (%s)", (input) => {
    expect(normalizeEmail(input)).toBeNull();
  });

  // A mail domain is a sequence of LDH labels of 1..63 octets (RFC 5321 4.1.2, RFC 1035):
  // none of these can receive mail, yet each would occupy a normalized address.
  const notHostNames: [string, string][] = [
    ["ana@ex..ample.com", "empty label in the middle"],
    ["ana@.example.com", "empty first label"],
    ["ana@-example.com", "label starting with a hyphen"],
    [`ana@${"a".repeat(64)}.com`, "label longer than 63 octets"],
  ];

  it.each(notHostNames)("refuses %j (%s)", (input) => {
    expect(normalizeEmail(input)).toBeNull();
  });

  it("is idempotent on what it accepts", () => {
    for (const [input] of accepted) {
      const once = normalizeEmail(input)!;
      expect(normalizeEmail(once), input).toBe(once);
    }
  });
});
