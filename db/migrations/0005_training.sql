CREATE TYPE "public"."training_pipeline_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."training_stage_name" AS ENUM('prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register');--> statement-breakpoint
CREATE TYPE "public"."training_stage_status" AS ENUM('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."training_dataset_source" AS ENUM('upload', 'uri');--> statement-breakpoint
CREATE TYPE "public"."training_judge_mode" AS ENUM('pointwise', 'pairwise');--> statement-breakpoint
CREATE TYPE "public"."training_judgement_status" AS ENUM('judged', 'failed');--> statement-breakpoint
CREATE TABLE "training_logs" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"stage" "training_stage_name" NOT NULL,
	"attempt" integer NOT NULL,
	"line" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_metrics" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"stage" "training_stage_name" NOT NULL,
	"attempt" integer NOT NULL,
	"name" text NOT NULL,
	"step" integer NOT NULL,
	"value" double precision NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_pipelines" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"status" "training_pipeline_status" DEFAULT 'queued' NOT NULL,
	"config" jsonb NOT NULL,
	"family_slug" text NOT NULL,
	"rlaif" boolean NOT NULL,
	"current_stage" "training_stage_name",
	"fallback_reason" text,
	"error_code" text,
	"error" text,
	"result_version_id" uuid,
	"result_version" text,
	"created_by_id" text,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "training_stage_attempts" (
	"pipeline_id" uuid NOT NULL,
	"stage" "training_stage_name" NOT NULL,
	"attempt" integer NOT NULL,
	"status" "training_stage_status" NOT NULL,
	"job_name" text,
	"error_code" text,
	"error" text,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_stage_attempts_pipeline_id_stage_attempt_pk" PRIMARY KEY("pipeline_id","stage","attempt")
);
--> statement-breakpoint
CREATE TABLE "training_stages" (
	"pipeline_id" uuid NOT NULL,
	"stage" "training_stage_name" NOT NULL,
	"position" integer NOT NULL,
	"status" "training_stage_status" DEFAULT 'pending' NOT NULL,
	"attempt" integer DEFAULT 0 NOT NULL,
	"job_name" text,
	"progress" double precision DEFAULT 0 NOT NULL,
	"step" integer,
	"total_steps" integer,
	"waiting" text,
	"error_code" text,
	"error" text,
	"result" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_stages_pipeline_id_stage_pk" PRIMARY KEY("pipeline_id","stage")
);
--> statement-breakpoint
CREATE TABLE "training_datasets" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"source" "training_dataset_source" NOT NULL,
	"origin" text NOT NULL,
	"uri" text NOT NULL,
	"size_bytes" bigint NOT NULL,
	"sha256" text NOT NULL,
	"content_type" text,
	"created_by_id" text,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_feedback_runs" (
	"pipeline_id" uuid PRIMARY KEY NOT NULL,
	"judge_model" text NOT NULL,
	"judge_base_url" text NOT NULL,
	"simulated" boolean NOT NULL,
	"mode" "training_judge_mode" NOT NULL,
	"rubric_sha256" text NOT NULL,
	"samples" integer DEFAULT 0 NOT NULL,
	"judged" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"cache_hits" integer DEFAULT 0 NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"retries" integer DEFAULT 0 NOT NULL,
	"prompt_tokens" integer DEFAULT 0 NOT NULL,
	"completion_tokens" integer DEFAULT 0 NOT NULL,
	"estimated_cost_usd" double precision DEFAULT 0 NOT NULL,
	"mean_score" double precision,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "training_judge_cache" (
	"key" text PRIMARY KEY NOT NULL,
	"verdict" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_judgements" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"pipeline_id" uuid NOT NULL,
	"sample_key" text NOT NULL,
	"prompt_id" text,
	"category" text NOT NULL,
	"prompt" text NOT NULL,
	"response" text NOT NULL,
	"other_response" text,
	"status" "training_judgement_status" NOT NULL,
	"score" double precision,
	"other_score" double precision,
	"rationale" text,
	"error" text,
	"cached" boolean DEFAULT false NOT NULL,
	"detail" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "training_stage_attempts" ADD CONSTRAINT "training_stage_attempts_pipeline_id_training_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."training_pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_stages" ADD CONSTRAINT "training_stages_pipeline_id_training_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."training_pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_logs_pipeline_idx" ON "training_logs" USING btree ("pipeline_id","id");--> statement-breakpoint
CREATE INDEX "training_metrics_pipeline_idx" ON "training_metrics" USING btree ("pipeline_id","stage","name","step");--> statement-breakpoint
CREATE INDEX "training_pipelines_created_at_idx" ON "training_pipelines" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "training_pipelines_status_created_idx" ON "training_pipelines" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "training_datasets_created_at_idx" ON "training_datasets" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "training_datasets_sha256_idx" ON "training_datasets" USING btree ("sha256");--> statement-breakpoint
CREATE UNIQUE INDEX "training_judgements_sample_uq" ON "training_judgements" USING btree ("pipeline_id","sample_key");--> statement-breakpoint
CREATE INDEX "training_judgements_pipeline_idx" ON "training_judgements" USING btree ("pipeline_id","id");