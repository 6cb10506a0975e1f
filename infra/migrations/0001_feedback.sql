CREATE TABLE `feedback` (
	`request_id` text NOT NULL,
	`item` integer DEFAULT 0 NOT NULL,
	`model` text NOT NULL,
	`variant` text NOT NULL,
	`predicted` text NOT NULL,
	`label` text NOT NULL,
	`correct` integer NOT NULL,
	`request_ts` integer NOT NULL,
	`created_at` integer NOT NULL,
	PRIMARY KEY(`request_id`, `item`)
);
--> statement-breakpoint
CREATE INDEX `feedback_model_request_ts` ON `feedback` (`model`,`request_ts`);