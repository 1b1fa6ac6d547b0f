CREATE TABLE "training_log_counts" (
	"pipeline_id" uuid NOT NULL,
	"stage" "training_stage_name" NOT NULL,
	"attempt" integer NOT NULL,
	"lines" bigint DEFAULT 0 NOT NULL,
	"pruned" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "training_log_counts_pipeline_id_stage_attempt_pk" PRIMARY KEY("pipeline_id","stage","attempt")
);
--> statement-breakpoint
CREATE INDEX "training_logs_attempt_idx" ON "training_logs" USING btree ("pipeline_id","stage","attempt","id");--> statement-breakpoint
-- Lines written before retention existed are counted, none of them pruned yet.
INSERT INTO "training_log_counts" ("pipeline_id", "stage", "attempt", "lines")
SELECT "pipeline_id", "stage", "attempt", count(*) FROM "training_logs" GROUP BY 1, 2, 3
ON CONFLICT DO NOTHING;
