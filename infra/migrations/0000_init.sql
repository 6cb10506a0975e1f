CREATE TABLE `deployments` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`model` text NOT NULL,
	`version` integer NOT NULL,
	`weights` text NOT NULL,
	`reason` text NOT NULL,
	`rolled_back` integer DEFAULT false NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`model`) REFERENCES `models`(`name`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `deployments_model_version` ON `deployments` (`model`,`version`);--> statement-breakpoint
CREATE TABLE `inference_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`event_id` text NOT NULL,
	`ts` integer NOT NULL,
	`model` text NOT NULL,
	`variant` text NOT NULL,
	`status` integer NOT NULL,
	`error_code` text,
	`latency_ms` real NOT NULL,
	`input_bytes` integer NOT NULL,
	`unit_bucket` integer NOT NULL,
	`folded` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `inference_events_event_id` ON `inference_events` (`event_id`);--> statement-breakpoint
CREATE INDEX `inference_events_unfolded` ON `inference_events` (`folded`) WHERE folded = 0;--> statement-breakpoint
CREATE INDEX `inference_events_model_ts` ON `inference_events` (`model`,`ts`);--> statement-breakpoint
CREATE TABLE `latency_histograms` (
	`minute` integer NOT NULL,
	`model` text NOT NULL,
	`variant` text NOT NULL,
	`source` text NOT NULL,
	`bucket` integer NOT NULL,
	`count` integer NOT NULL,
	`errors` integer NOT NULL,
	PRIMARY KEY(`minute`, `model`, `variant`, `source`, `bucket`)
);
--> statement-breakpoint
CREATE INDEX `latency_histograms_model_minute` ON `latency_histograms` (`model`,`minute`);--> statement-breakpoint
CREATE TABLE `models` (
	`name` text PRIMARY KEY NOT NULL,
	`task` text DEFAULT 'tensor' NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `variants` (
	`model` text NOT NULL,
	`name` text NOT NULL,
	`sha256` text NOT NULL,
	`bytes` integer NOT NULL,
	`manifest` text NOT NULL,
	`r2_key` text NOT NULL,
	`status` text DEFAULT 'healthy' NOT NULL,
	`status_reason` text,
	`status_changed_at` integer,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`model`, `name`),
	FOREIGN KEY (`model`) REFERENCES `models`(`name`) ON UPDATE no action ON DELETE no action
);
