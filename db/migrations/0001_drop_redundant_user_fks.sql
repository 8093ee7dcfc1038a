ALTER TABLE "bias_tags" DROP CONSTRAINT "bias_tags_user_id_users_id_fk";
--> statement-breakpoint
ALTER TABLE "reflections" DROP CONSTRAINT "reflections_user_id_users_id_fk";
