import { Migration } from '@mikro-orm/migrations';

export class Migration20261202041816 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`billing_events\` (\`id\` text not null, \`type\` text not null, \`received_at\` datetime not null, primary key (\`id\`));`,
    );

    this.addSql(
      `create table \`tiers\` (\`id\` text not null, \`creator_id\` text not null, \`name\` text not null, \`description\` text null, \`price_minor\` integer not null, \`currency\` text not null, \`interval\` text not null, \`perks\` json not null, \`archived\` integer not null default false, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`tiers_creator_id_foreign\` foreign key(\`creator_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`tiers_creator_id_index\` on \`tiers\` (\`creator_id\`);`);
    this.addSql(
      `create index \`tiers_creator_id_archived_price_minor_index\` on \`tiers\` (\`creator_id\`, \`archived\`, \`price_minor\`);`,
    );

    this.addSql(
      `create table \`memberships\` (\`id\` text not null, \`tier_id\` text not null, \`member_id\` text not null, \`creator_id\` text not null, \`status\` text not null, \`current_period_end\` datetime null, \`cancel_at_period_end\` integer not null default false, \`open_key\` text null, \`checkout_url\` text null, \`provider_subscription_id\` text null, \`provider_customer_id\` text null, \`created_at\` datetime not null, \`updated_at\` datetime not null, constraint \`memberships_tier_id_foreign\` foreign key(\`tier_id\`) references \`tiers\`(\`id\`) on delete cascade on update cascade, constraint \`memberships_member_id_foreign\` foreign key(\`member_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`memberships_tier_id_index\` on \`memberships\` (\`tier_id\`);`);
    this.addSql(`create index \`memberships_member_id_index\` on \`memberships\` (\`member_id\`);`);
    this.addSql(
      `create unique index \`memberships_open_key_unique\` on \`memberships\` (\`open_key\`);`,
    );
    this.addSql(
      `create index \`memberships_provider_subscription_id_index\` on \`memberships\` (\`provider_subscription_id\`);`,
    );
    this.addSql(
      `create index \`memberships_status_current_period_end_index\` on \`memberships\` (\`status\`, \`current_period_end\`);`,
    );
    this.addSql(
      `create index \`memberships_creator_id_created_at_id_index\` on \`memberships\` (\`creator_id\`, \`created_at\`, \`id\`);`,
    );
    this.addSql(
      `create index \`memberships_tier_id_status_created_at_id_index\` on \`memberships\` (\`tier_id\`, \`status\`, \`created_at\`, \`id\`);`,
    );
    this.addSql(
      `create index \`memberships_member_id_status_index\` on \`memberships\` (\`member_id\`, \`status\`);`,
    );

    this.addSql(
      `alter table \`contents\` add column \`visibility\` text not null default 'PUBLIC';`,
    );
    this.addSql(`alter table \`contents\` add column \`tier_ids\` json not null default '[]';`);
    this.addSql(`alter table \`contents\` add column \`preview\` text null;`);
  }
}
