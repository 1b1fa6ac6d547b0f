CREATE TABLE "deployment_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"family_id" uuid NOT NULL,
	"family_slug" text NOT NULL,
	"environment" "deployment_environment" NOT NULL,
	"version" text NOT NULL,
	"input" jsonb NOT NULL,
	"reason" text NOT NULL,
	"status" "approval_status" DEFAULT 'pending' NOT NULL,
	"requested_by_id" text NOT NULL,
	"requested_by_label" text NOT NULL,
	"decided_by_id" text,
	"decided_by_label" text,
	"decision_reason" text,
	"deployment_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "deployment_requests" ADD CONSTRAINT "deployment_requests_family_id_model_families_id_fk" FOREIGN KEY ("family_id") REFERENCES "public"."model_families"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deployment_requests" ADD CONSTRAINT "deployment_requests_deployment_id_deployments_id_fk" FOREIGN KEY ("deployment_id") REFERENCES "public"."deployments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deployment_requests_pending_key" ON "deployment_requests" USING btree ("family_id","environment") WHERE "deployment_requests"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "deployment_requests_status_idx" ON "deployment_requests" USING btree ("status","created_at");