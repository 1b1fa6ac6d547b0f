CREATE TYPE "public"."ab_ship_outcome" AS ENUM('promoted', 'approval_requested');--> statement-breakpoint
ALTER TYPE "public"."approval_kind" ADD VALUE 'promotion';--> statement-breakpoint
ALTER TYPE "public"."history_kind" ADD VALUE 'promotion_requested';--> statement-breakpoint
ALTER TYPE "public"."history_kind" ADD VALUE 'promotion_rejected';--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "shipped_variant" text;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "shipped_version_id" uuid;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "ship_outcome" "ab_ship_outcome";--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "ship_approval_id" uuid;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "shipped_by_id" text;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "shipped_by_label" text;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD COLUMN "shipped_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD CONSTRAINT "ab_tests_shipped_version_id_model_versions_id_fk" FOREIGN KEY ("shipped_version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;