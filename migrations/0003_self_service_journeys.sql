CREATE TABLE `attribute_definitions` (
	`tenant_id` text NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`labels` text NOT NULL,
	`required` integer DEFAULT false NOT NULL,
	`min_length` integer,
	`max_length` integer,
	`pattern` text,
	`enum_values` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`tenant_id`, `name`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `consent_records` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`purpose` text NOT NULL,
	`policy_version` text NOT NULL,
	`granted` integer NOT NULL,
	`source` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`,`user_id`) REFERENCES `users`(`tenant_id`,`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `consent_records_user_idx` ON `consent_records` (`tenant_id`,`user_id`,`purpose`,`id`);--> statement-breakpoint
CREATE TABLE `dev_outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`recipient` text NOT NULL,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `dev_outbox_recipient_idx` ON `dev_outbox` (`tenant_id`,`recipient`,`id`);--> statement-breakpoint
CREATE TABLE `tenant_branding` (
	`tenant_id` text PRIMARY KEY NOT NULL,
	`logo_uri` text,
	`primary_color` text,
	`background_color` text,
	`background_image_uri` text,
	`custom_css` text,
	`support_url` text,
	`updated_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `tenant_texts` (
	`tenant_id` text NOT NULL,
	`locale` text NOT NULL,
	`key` text NOT NULL,
	`value` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `locale`, `key`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `clients` ADD `email_code_sign_in` integer;--> statement-breakpoint
ALTER TABLE `tenants` ADD `default_locale` text DEFAULT 'en' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `self_sign_up_enabled` integer DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `require_verified_email` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `email_code_sign_in` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `sign_up_attributes` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `terms_url` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `terms_version` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `privacy_url` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `privacy_version` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `marketing_consent_version` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `profiling_rules` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `audit_retention_days` integer DEFAULT 365 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `sign_in_count` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `deleted_at` integer;