// .dev.vars generation (scripts/dev-vars.mjs): fresh random secrets for every variable
// .dev.vars.example lists, existing values never touched.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ensureDevVars } from "../../scripts/dev-vars.mjs";

const dirs: string[] = [];
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), "latchkey-vars-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe(".dev.vars generation", () => {
  it("creates every variable of the real example with random secrets", () => {
    const path = join(scratch(), ".dev.vars");
    const first = ensureDevVars(".dev.vars.example", path);
    expect(first.created).toBe(true);
    expect([...first.values.keys()].sort()).toEqual([
      "ADMIN_CLIENT_ID",
      "ADMIN_CLIENT_SECRET",
      "SIGNING_KEY_ENCRYPTION_KEY",
    ]);
    expect(Buffer.from(first.values.get("SIGNING_KEY_ENCRYPTION_KEY")!, "base64url")).toHaveLength(32);
    expect(first.values.get("ADMIN_CLIENT_SECRET")).not.toContain("<");

    const other = ensureDevVars(".dev.vars.example", join(scratch(), ".dev.vars"));
    expect(other.values.get("ADMIN_CLIENT_SECRET")).not.toBe(first.values.get("ADMIN_CLIENT_SECRET"));
  });

  it("keeps existing values and appends only missing variables", () => {
    const dir = scratch();
    writeFileSync(join(dir, "example"), "A=<random>\nB=fixed\n");
    writeFileSync(join(dir, ".dev.vars"), "A=mine\n");
    const result = ensureDevVars(join(dir, "example"), join(dir, ".dev.vars"));
    expect(result.created).toBe(false);
    expect(result.added).toEqual(["B"]);
    expect(readFileSync(join(dir, ".dev.vars"), "utf8")).toBe("A=mine\nB=fixed\n");
    expect(ensureDevVars(join(dir, "example"), join(dir, ".dev.vars")).added).toEqual([]);
  });
});
