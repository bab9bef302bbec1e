import { Migration } from '@mikro-orm/migrations';

export class Migration20261202042541 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "memberships_jobs" ("name" varchar(32) not null, "claimed_until" bigint not null, constraint "memberships_jobs_pkey" primary key ("name"));`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "memberships_jobs" cascade;`);
  }
}
