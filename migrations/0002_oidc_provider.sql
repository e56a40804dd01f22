CREATE TABLE `consents` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`client_id` text NOT NULL,
	`scope` text NOT NULL,
	`granted_at` integer NOT NULL,
	PRIMARY KEY(`user_id`, `client_id`, `scope`),
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`tenant_id`,`client_id`) REFERENCES `clients`(`tenant_id`,`client_id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `consents_client_idx` ON `consents` (`tenant_id`,`client_id`);--> statement-breakpoint
ALTER TABLE `clients` ADD `id_token_ttl` integer;--> statement-breakpoint
ALTER TABLE `clients` ADD `refresh_token_ttl` integer;--> statement-breakpoint
ALTER TABLE `clients` ADD `refresh_token_idle_ttl` integer;--> statement-breakpoint
ALTER TABLE `tenants` ADD `id_token_ttl` integer DEFAULT 3600 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `refresh_token_ttl` integer DEFAULT 2592000 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `refresh_token_idle_ttl` integer DEFAULT 1209600 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `session_ttl` integer DEFAULT 604800 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `session_idle_ttl` integer DEFAULT 259200 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `require_pushed_authorization_requests` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sign_in_lock_threshold` integer DEFAULT 10 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sign_in_lock_seconds` integer DEFAULT 900 NOT NULL;