import { Migration } from '@mikro-orm/migrations';

export class Migration20261127222151 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`rec_engagements\` (\`viewer_key\` text not null, \`content_id\` text not null, \`score\` double not null, \`kinds\` integer not null, \`last_at\` bigint not null, primary key (\`viewer_key\`, \`content_id\`));`,
    );
    this.addSql(
      `create index \`rec_engagements_content_id_index\` on \`rec_engagements\` (\`content_id\`);`,
    );

    this.addSql(
      `create table \`rec_models\` (\`name\` text not null, \`built_at\` bigint not null, \`building_until\` bigint not null, \`data\` text not null, primary key (\`name\`));`,
    );
  }
}
