// drizzle-kit reads this to generate SQL migrations from src/storage/schema.ts:
//   npm run db:generate   (then review the new file in migrations/)
import { defineConfig } from "drizzle-kit";

export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/schema.ts",
  out: "./migrations",
});
