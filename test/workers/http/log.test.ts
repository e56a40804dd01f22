// Failures are logged without the values bound to the failing query.
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { describeError } from "../../../src/http/log";
import { newRequestStats, openDatabase } from "../../../src/storage/database";
import { users } from "../../../src/storage/schema";

describe("error logging", () => {
  it("describes a failed query by its SQL and cause, never its parameters", async () => {
    const db = openDatabase(env.DB, newRequestStats());
    // A user of a tenant that does not exist fails its foreign key.
    const error = await db
      .insert(users)
      .values({ id: "usr_x", tenantId: "ten_missing", email: "secret-person@example.com", createdAt: 1, updatedAt: 1 })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).toContain("secret-person@example.com");
    const logged = describeError(error);
    expect(logged).toContain("FOREIGN KEY constraint failed");
    expect(logged).toContain('insert into "users"');
    expect(logged).not.toContain("secret-person@example.com");
  });
});
