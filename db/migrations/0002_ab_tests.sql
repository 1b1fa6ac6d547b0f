CREATE TYPE "public"."ab_correction" AS ENUM('none', 'holm', 'bh');--> statement-breakpoint
CREATE TYPE "public"."ab_method" AS ENUM('frequentist', 'sequential', 'bayesian');--> statement-breakpoint
CREATE TYPE "public"."ab_metric_direction" AS ENUM('increase', 'decrease');--> statement-breakpoint
CREATE TYPE "public"."ab_metric_kind" AS ENUM('binomial', 'mean', 'ratio');--> statement-breakpoint
CREATE TYPE "public"."ab_metric_role" AS ENUM('primary', 'guardrail');--> statement-breakpoint
CREATE TYPE "public"."ab_test_status" AS ENUM('draft', 'running', 'stopped');--> statement-breakpoint
CREATE TABLE "ab_aggregates" (
	"test_id" uuid NOT NULL,
	"variant" text NOT NULL,
	"metric" text NOT NULL,
	"sum" double precision DEFAULT 0 NOT NULL,
	"sum_squares" double precision DEFAULT 0 NOT NULL,
	"sum_y" double precision DEFAULT 0 NOT NULL,
	"sum_y_squares" double precision DEFAULT 0 NOT NULL,
	"sum_xy" double precision DEFAULT 0 NOT NULL,
	CONSTRAINT "ab_aggregates_test_id_variant_metric_pk" PRIMARY KEY("test_id","variant","metric")
);
--> statement-breakpoint
CREATE TABLE "ab_exposure_counts" (
	"test_id" uuid NOT NULL,
	"variant" text NOT NULL,
	"shard" integer NOT NULL,
	"n" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "ab_exposure_counts_test_id_variant_shard_pk" PRIMARY KEY("test_id","variant","shard")
);
--> statement-breakpoint
CREATE TABLE "ab_exposures" (
	"test_id" uuid NOT NULL,
	"unit" text NOT NULL,
	"variant" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ab_exposures_test_id_unit_pk" PRIMARY KEY("test_id","unit")
);
--> statement-breakpoint
CREATE TABLE "ab_ingest_keys" (
	"test_id" uuid NOT NULL,
	"idempotency_key" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"event_count" integer NOT NULL,
	CONSTRAINT "ab_ingest_keys_test_id_idempotency_key_pk" PRIMARY KEY("test_id","idempotency_key")
);
--> statement-breakpoint
CREATE TABLE "ab_lift_snapshots" (
	"test_id" uuid NOT NULL,
	"metric" text NOT NULL,
	"variant" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"relative_effect" double precision,
	"ci_lower" double precision,
	"ci_upper" double precision,
	"n" integer NOT NULL,
	CONSTRAINT "ab_lift_snapshots_test_id_at_metric_variant_pk" PRIMARY KEY("test_id","at","metric","variant")
);
--> statement-breakpoint
CREATE TABLE "ab_metrics" (
	"test_id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" "ab_metric_kind" NOT NULL,
	"role" "ab_metric_role" NOT NULL,
	"direction" "ab_metric_direction" NOT NULL,
	"denominator" text,
	"position" integer NOT NULL,
	CONSTRAINT "ab_metrics_test_id_name_pk" PRIMARY KEY("test_id","name")
);
--> statement-breakpoint
CREATE TABLE "ab_tests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"family_id" uuid NOT NULL,
	"salt" text NOT NULL,
	"status" "ab_test_status" DEFAULT 'draft' NOT NULL,
	"method" "ab_method" NOT NULL,
	"alpha" double precision NOT NULL,
	"power" double precision NOT NULL,
	"mde" double precision NOT NULL,
	"min_sample_per_variant" integer NOT NULL,
	"sequential_tuning" double precision NOT NULL,
	"correction" "ab_correction" NOT NULL,
	"prior_mean" double precision,
	"prior_std_dev" double precision,
	"created_by_id" text,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "ab_unit_metrics" (
	"test_id" uuid NOT NULL,
	"unit" text NOT NULL,
	"metric" text NOT NULL,
	"sum" double precision DEFAULT 0 NOT NULL,
	"positive" boolean DEFAULT false NOT NULL,
	CONSTRAINT "ab_unit_metrics_test_id_unit_metric_pk" PRIMARY KEY("test_id","unit","metric")
);
--> statement-breakpoint
CREATE TABLE "ab_variants" (
	"test_id" uuid NOT NULL,
	"key" text NOT NULL,
	"version_id" uuid NOT NULL,
	"version" text NOT NULL,
	"weight" double precision NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "ab_variants_test_id_key_pk" PRIMARY KEY("test_id","key")
);
--> statement-breakpoint
ALTER TABLE "ab_aggregates" ADD CONSTRAINT "ab_aggregates_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_exposure_counts" ADD CONSTRAINT "ab_exposure_counts_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_exposures" ADD CONSTRAINT "ab_exposures_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_ingest_keys" ADD CONSTRAINT "ab_ingest_keys_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_lift_snapshots" ADD CONSTRAINT "ab_lift_snapshots_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_metrics" ADD CONSTRAINT "ab_metrics_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_tests" ADD CONSTRAINT "ab_tests_family_id_model_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."model_families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_unit_metrics" ADD CONSTRAINT "ab_unit_metrics_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_variants" ADD CONSTRAINT "ab_variants_test_id_ab_tests_id_fk" FOREIGN KEY ("test_id") REFERENCES "public"."ab_tests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ab_variants" ADD CONSTRAINT "ab_variants_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ab_lift_snapshots_test_metric_idx" ON "ab_lift_snapshots" USING btree ("test_id","metric","at");--> statement-breakpoint
CREATE INDEX "ab_tests_created_at_idx" ON "ab_tests" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ab_tests_family_idx" ON "ab_tests" USING btree ("family_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ab_variants_test_position_key" ON "ab_variants" USING btree ("test_id","position");