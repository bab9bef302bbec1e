import { Migration } from '@mikro-orm/migrations';

export class Migration20261202051554 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`organizations\` (\`id\` text not null, \`name\` text not null, \`slug\` text not null, \`profile_id\` text not null, \`created_at\` datetime not null, constraint \`organizations_profile_id_foreign\` foreign key(\`profile_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create unique index \`organizations_slug_unique\` on \`organizations\` (\`slug\`);`,
    );
    this.addSql(
      `create index \`organizations_profile_id_index\` on \`organizations\` (\`profile_id\`);`,
    );
    this.addSql(
      `create unique index \`organizations_profile_id_unique\` on \`organizations\` (\`profile_id\`);`,
    );

    this.addSql(
      `create table \`organization_members\` (\`id\` text not null, \`organization_id\` text not null, \`user_id\` text not null, \`role\` text not null, \`added_at\` datetime not null, constraint \`organization_members_organization_id_foreign\` foreign key(\`organization_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`organization_members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`organization_members_organization_id_index\` on \`organization_members\` (\`organization_id\`);`,
    );
    this.addSql(
      `create index \`organization_members_user_id_index\` on \`organization_members\` (\`user_id\`);`,
    );
    this.addSql(
      `create unique index \`organization_members_organization_id_user_id_unique\` on \`organization_members\` (\`organization_id\`, \`user_id\`);`,
    );

    this.addSql(
      `create table \`api_keys\` (\`id\` text not null, \`organization_id\` text not null, \`name\` text not null, \`prefix\` text not null, \`hash\` text not null, \`scopes\` json not null, \`rate_limit_per_minute\` integer not null, \`created_by_id\` text not null, \`created_at\` datetime not null, \`expires_at\` datetime null, \`last_used_at\` datetime null, \`revoked_at\` datetime null, constraint \`api_keys_organization_id_foreign\` foreign key(\`organization_id\`) references \`organizations\`(\`id\`) on delete cascade on update cascade, constraint \`api_keys_created_by_id_foreign\` foreign key(\`created_by_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`api_keys_organization_id_index\` on \`api_keys\` (\`organization_id\`);`,
    );
    this.addSql(`create unique index \`api_keys_prefix_unique\` on \`api_keys\` (\`prefix\`);`);
    this.addSql(
      `create index \`api_keys_created_by_id_index\` on \`api_keys\` (\`created_by_id\`);`,
    );
    this.addSql(
      `create index \`api_keys_organization_id_created_at_index\` on \`api_keys\` (\`organization_id\`, \`created_at\`);`,
    );
  }
}
