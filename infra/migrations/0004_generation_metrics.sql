ALTER TABLE `inference_events` ADD `first_token_ms` real;--> statement-breakpoint
ALTER TABLE `inference_events` ADD `generated_tokens` integer;--> statement-breakpoint
ALTER TABLE `inference_events` ADD `tokens_per_second` real;--> statement-breakpoint
ALTER TABLE `latency_histograms` ADD `tokens` integer DEFAULT 0 NOT NULL;