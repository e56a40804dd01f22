CREATE TABLE `passkeys` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`public_key` text NOT NULL,
	`sign_count` integer DEFAULT 0 NOT NULL,
	`transports` text NOT NULL,
	`device_type` text NOT NULL,
	`backed_up` integer NOT NULL,
	`aaguid` text,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `passkeys_user_idx` ON `passkeys` (`tenant_id`,`user_id`);--> statement-breakpoint
CREATE TABLE `recovery_codes` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`code_hash` text NOT NULL,
	`created_at` integer NOT NULL,
	`used_at` integer,
	PRIMARY KEY(`tenant_id`, `user_id`, `code_hash`),
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `totp_authenticators` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`secret_sealed` text NOT NULL,
	`confirmed_at` integer,
	`last_used_step` integer,
	`created_at` integer NOT NULL,
	`last_used_at` integer,
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `totp_authenticators_user_idx` ON `totp_authenticators` (`tenant_id`,`user_id`);--> statement-breakpoint
ALTER TABLE `clients` ADD `mfa_policy` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `mfa_policy` text DEFAULT 'optional' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `risk_threshold` integer DEFAULT 50 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `risk_deny_list` text DEFAULT '{"countries":[],"asns":[],"ip_ranges":[]}' NOT NULL;