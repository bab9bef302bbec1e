import { Migration } from '@mikro-orm/migrations';

export class Migration20261127183359 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`users\` (\`id\` text not null, \`email\` text not null, \`password_hash\` text not null, \`handle\` text not null, \`display_name\` text not null, \`bio\` text null, \`avatar_url\` text null, \`role\` text not null default 'USER', \`created_at\` datetime not null, \`updated_at\` datetime not null, primary key (\`id\`));`,
    );
    this.addSql(`create unique index \`users_email_unique\` on \`users\` (\`email\`);`);
    this.addSql(`create unique index \`users_handle_unique\` on \`users\` (\`handle\`);`);

    this.addSql(
      `create table \`contents\` (\`id\` text not null, \`kind\` text not null, \`title\` text not null, \`body\` text not null, \`tags\` json not null, \`media\` json not null, \`status\` text not null default 'DRAFT', \`author_id\` text not null, \`created_at\` datetime not null, \`updated_at\` datetime not null, \`published_at\` datetime null, \`listed_at\` datetime not null, \`like_count\` integer not null default 0, \`comment_count\` integer not null default 0, \`view_count\` integer not null default 0, constraint \`contents_author_id_foreign\` foreign key(\`author_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`contents_author_id_index\` on \`contents\` (\`author_id\`);`);
    this.addSql(
      `create index \`contents_status_published_at_index\` on \`contents\` (\`status\`, \`published_at\`);`,
    );
    this.addSql(
      `create index \`contents_status_view_count_id_index\` on \`contents\` (\`status\`, \`view_count\`, \`id\`);`,
    );
    this.addSql(
      `create index \`contents_status_like_count_id_index\` on \`contents\` (\`status\`, \`like_count\`, \`id\`);`,
    );
    this.addSql(
      `create index \`contents_author_id_listed_at_id_index\` on \`contents\` (\`author_id\`, \`listed_at\`, \`id\`);`,
    );
    this.addSql(
      `create index \`contents_status_listed_at_id_index\` on \`contents\` (\`status\`, \`listed_at\`, \`id\`);`,
    );

    this.addSql(
      `create table \`likes\` (\`user_id\` text not null, \`content_id\` text not null, \`created_at\` datetime not null, constraint \`likes_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`likes_content_id_foreign\` foreign key(\`content_id\`) references \`contents\`(\`id\`) on delete cascade on update cascade, primary key (\`user_id\`, \`content_id\`));`,
    );
    this.addSql(`create index \`likes_user_id_index\` on \`likes\` (\`user_id\`);`);
    this.addSql(`create index \`likes_content_id_index\` on \`likes\` (\`content_id\`);`);

    this.addSql(
      `create table \`content_tags\` (\`content_id\` text not null, \`tag\` text not null, constraint \`content_tags_content_id_foreign\` foreign key(\`content_id\`) references \`contents\`(\`id\`) on delete cascade on update cascade, primary key (\`content_id\`, \`tag\`));`,
    );
    this.addSql(
      `create index \`content_tags_content_id_index\` on \`content_tags\` (\`content_id\`);`,
    );
    this.addSql(
      `create index \`content_tags_tag_content_id_index\` on \`content_tags\` (\`tag\`, \`content_id\`);`,
    );

    this.addSql(
      `create table \`comments\` (\`id\` text not null, \`content_id\` text not null, \`author_id\` text not null, \`body\` text not null, \`created_at\` datetime not null, constraint \`comments_content_id_foreign\` foreign key(\`content_id\`) references \`contents\`(\`id\`) on delete cascade on update cascade, constraint \`comments_author_id_foreign\` foreign key(\`author_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`id\`));`,
    );
    this.addSql(`create index \`comments_content_id_index\` on \`comments\` (\`content_id\`);`);
    this.addSql(`create index \`comments_author_id_index\` on \`comments\` (\`author_id\`);`);
    this.addSql(
      `create index \`comments_content_id_created_at_id_index\` on \`comments\` (\`content_id\`, \`created_at\`, \`id\`);`,
    );
  }
}
