CREATE TYPE "public"."deployment_action_kind" AS ENUM('deployed', 'updated', 'scaled', 'restarted', 'rolled_back', 'redeployed', 'undeploying', 'undeployed');--> statement-breakpoint
CREATE TYPE "public"."deployment_environment" AS ENUM('staging', 'production');--> statement-breakpoint
CREATE TYPE "public"."deployment_status" AS ENUM('active', 'undeploying', 'removed');--> statement-breakpoint
CREATE TYPE "public"."health_status" AS ENUM('unknown', 'healthy', 'degraded', 'unhealthy');--> statement-breakpoint
CREATE TABLE "deployment_actions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"kind" "deployment_action_kind" NOT NULL,
	"actor_label" text NOT NULL,
	"automatic" boolean DEFAULT false NOT NULL,
	"severity" text DEFAULT 'info' NOT NULL,
	"message" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "deployment_health_checks" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"deployment_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" "health_status" NOT NULL,
	"reason" text NOT NULL,
	"version" text NOT NULL,
	"desired_replicas" integer NOT NULL,
	"ready_replicas" integer NOT NULL,
	"restarts" integer NOT NULL,
	"health_ms" double precision,
	"chat_ms" double precision,
	"latency_p_50_ms" double precision,
	"latency_p_95_ms" double precision,
	"error_rate" double precision,
	"tokens_per_second" double precision
);
--> statement-breakpoint
CREATE TABLE "deployments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"family_slug" text NOT NULL,
	"environment" "deployment_environment" NOT NULL,
	"status" "deployment_status" DEFAULT 'active' NOT NULL,
	"name" text NOT NULL,
	"namespace" text NOT NULL,
	"version_id" uuid NOT NULL,
	"version" text NOT NULL,
	"spec" jsonb NOT NULL,
	"previous_spec" jsonb,
	"rollout_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"restart_after_failures" integer DEFAULT 3 NOT NULL,
	"rollback_window_minutes" integer DEFAULT 10 NOT NULL,
	"health" "health_status" DEFAULT 'unknown' NOT NULL,
	"health_reason" text DEFAULT 'not checked yet' NOT NULL,
	"consecutive_failures" integer DEFAULT 0 NOT NULL,
	"last_checked_at" timestamp with time zone,
	"created_by_id" text,
	"created_by_label" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deployment_actions" ADD CONSTRAINT "deployment_actions_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_health_checks" ADD CONSTRAINT "deployment_health_checks_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_family_id_model_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."model_families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployments" ADD CONSTRAINT "deployments_version_id_model_versions_id_fk" FOREIGN KEY ("version_id") REFERENCES "public"."model_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deployment_actions_deployment_idx" ON "deployment_actions" USING btree ("deployment_id","id");--> statement-breakpoint
CREATE INDEX "deployment_health_checks_deployment_at_idx" ON "deployment_health_checks" USING btree ("deployment_id","at");--> statement-breakpoint
CREATE INDEX "deployment_health_checks_at_idx" ON "deployment_health_checks" USING btree ("at");--> statement-breakpoint
CREATE UNIQUE INDEX "deployments_family_env_live_key" ON "deployments" USING btree ("family_id","environment") WHERE "deployments"."status" <> 'removed';--> statement-breakpoint
CREATE INDEX "deployments_status_idx" ON "deployments" USING btree ("status");