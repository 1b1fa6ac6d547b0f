CREATE TYPE "public"."training_pipeline_status" AS ENUM('queued', 'running', 'succeeded', 'failed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."training_stage_name" AS ENUM('prepare', 'sft', 'generate', 'feedback', 'reward_model', 'ppo', 'evaluate', 'register');--> statement-breakpoint
CREATE TYPE "public"."training_stage_status" AS ENUM('pending', 'queued', 'running', 'succeeded', 'failed', 'skipped', 'cancelled');--> statement-breakpoint
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
ALTER TABLE "training_stage_attempts" ADD CONSTRAINT "training_stage_attempts_pipeline_id_training_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."training_pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_stages" ADD CONSTRAINT "training_stages_pipeline_id_training_pipelines_id_fk" FOREIGN KEY ("pipeline_id") REFERENCES "public"."training_pipelines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "training_logs_pipeline_idx" ON "training_logs" USING btree ("pipeline_id","id");--> statement-breakpoint
CREATE INDEX "training_metrics_pipeline_idx" ON "training_metrics" USING btree ("pipeline_id","stage","name","step");--> statement-breakpoint
CREATE INDEX "training_pipelines_created_at_idx" ON "training_pipelines" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "training_pipelines_status_created_idx" ON "training_pipelines" USING btree ("status","created_at");