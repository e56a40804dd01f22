-- The `system` tenant holds the operators: its clients get management tokens for every
-- tenant. It always exists, so it is created here rather than by a seed script.
-- Its default audience is the management API (see src/admin/scopes.ts).
INSERT OR IGNORE INTO `tenants`
  (`id`, `slug`, `display_name`, `default_resource`, `access_token_ttl`, `signing_key_rotation_days`, `created_at`, `updated_at`)
VALUES
  ('ten_system', 'system', 'Latchkey operators', 'urn:latchkey:management', 900, 90, unixepoch(), unixepoch());
