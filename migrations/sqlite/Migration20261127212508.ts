import { Migration } from '@mikro-orm/migrations';

export class Migration20261127212508 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`metric_events\` (\`viewer_key\` text not null, \`event_id\` text not null, \`type\` text not null, \`content_id\` text not null, \`value\` double not null, \`occurred_at\` bigint not null, \`received_at\` bigint not null, primary key (\`viewer_key\`, \`event_id\`));`,
    );
    this.addSql(
      `create index \`metric_events_received_at_index\` on \`metric_events\` (\`received_at\`);`,
    );

    this.addSql(
      `create table \`metric_rollups\` (\`scope\` text not null, \`metric\` text not null, \`minute\` integer not null, \`value\` double not null, primary key (\`scope\`, \`metric\`, \`minute\`));`,
    );

    this.addSql(
      `create table \`metric_view_marks\` (\`viewer_key\` text not null, \`content_id\` text not null, \`counted_at\` bigint not null, primary key (\`viewer_key\`, \`content_id\`));`,
    );
    this.addSql(
      `create index \`metric_view_marks_counted_at_index\` on \`metric_view_marks\` (\`counted_at\`);`,
    );

    this.addSql(`alter table \`contents\` add column \`share_count\` integer not null default 0;`);
    this.addSql(`alter table \`contents\` add column \`watch_seconds\` double not null default 0;`);
  }
}
