import { Migration } from '@mikro-orm/migrations';

export class Migration20261202133953 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`ad_impressions\` (\`token_id\` text not null, \`campaign_id\` text not null, \`creative_id\` text not null, \`viewer_key\` text not null, \`at\` bigint not null, \`clicked_at\` bigint null, primary key (\`token_id\`));`,
    );
    this.addSql(
      `create index \`ad_impressions_campaign_id_at_index\` on \`ad_impressions\` (\`campaign_id\`, \`at\`);`,
    );

    this.addSql(
      `create table \`ad_campaigns\` (\`id\` text not null, \`organization_id\` text not null, \`name\` text not null, \`status\` text not null, \`budget_minor\` integer not null, \`cpm_minor\` integer not null, \`currency\` text not null, \`spent_micros\` bigint not null default 0, \`impressions\` integer not null default 0, \`clicks\` integer not null default 0, \`starts_at\` datetime not null, \`ends_at\` datetime not null, \`pacing\` text not null, \`tags\` json not null, \`kinds\` json not null, \`cap_impressions\` integer null, \`cap_hours\` integer null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`version\` integer not null default 1, constraint \`ad_campaigns_organization_id_foreign\` foreign key(\`organization_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`ad_campaigns_organization_id_index\` on \`ad_campaigns\` (\`organization_id\`);`,
    );
    this.addSql(`create index \`ad_campaigns_status_index\` on \`ad_campaigns\` (\`status\`);`);
    this.addSql(
      `create index \`ad_campaigns_organization_id_created_at_index\` on \`ad_campaigns\` (\`organization_id\`, \`created_at\`);`,
    );

    this.addSql(
      `create table \`ad_creatives\` (\`id\` text not null, \`campaign_id\` text not null, \`headline\` text not null, \`body\` text null, \`image_url\` text null, \`click_url\` text not null, \`created_at\` datetime not null, constraint \`ad_creatives_campaign_id_foreign\` foreign key(\`campaign_id\`) references \`ad_campaigns\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`ad_creatives_campaign_id_index\` on \`ad_creatives\` (\`campaign_id\`);`,
    );
    this.addSql(
      `create index \`ad_creatives_campaign_id_created_at_index\` on \`ad_creatives\` (\`campaign_id\`, \`created_at\`);`,
    );
  }
}
