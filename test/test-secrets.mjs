// Fixed secrets for tests only (never used by `npm run dev` or a deployment).
export const TEST_SECRETS = {
  ADMIN_CLIENT_ID: "test-operator",
  ADMIN_CLIENT_SECRET: "test-operator-secret-0123456789abcdef",
  // 32 bytes, base64url.
  SIGNING_KEY_ENCRYPTION_KEY: "q0Q4n2S0ZkM8cS3m0m8K2yYtK9r8bQ1wZ6pX4vN7uJc",
};
