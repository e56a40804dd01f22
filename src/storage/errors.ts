// Recognizes constraint failures in the errors D1 (through drizzle) throws, so the data
// layer can report "that email is taken" instead of a 500.

function messages(error: unknown): string[] {
  const found: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) {
      found.push(current.message);
      current = current.cause;
    } else break;
  }
  return found;
}

/** The columns named by a UNIQUE or PRIMARY KEY failure ("users.tenant_id, users.email_normalized"), or null. */
export function uniqueViolation(error: unknown): string | null {
  for (const message of messages(error)) {
    const match = /UNIQUE constraint failed: ([\w., ]+)/.exec(message);
    if (match) return match[1]!;
  }
  return null;
}

export function foreignKeyViolation(error: unknown): boolean {
  return messages(error).some((m) => m.includes("FOREIGN KEY constraint failed"));
}
