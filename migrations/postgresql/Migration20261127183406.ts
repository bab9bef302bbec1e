import { Migration } from '@mikro-orm/migrations';

export class Migration20261127183406 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "users" ("id" uuid not null, "email" varchar(254) not null, "password_hash" varchar(255) not null, "handle" varchar(30) not null, "display_name" varchar(100) not null, "bio" text null, "avatar_url" varchar(2048) null, "role" varchar(16) not null default 'USER', "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, constraint "users_pkey" primary key ("id"));`,
    );
    this.addSql(`alter table "users" add constraint "users_email_unique" unique ("email");`);
    this.addSql(`alter table "users" add constraint "users_handle_unique" unique ("handle");`);

    this.addSql(
      `create table "contents" ("id" uuid not null, "kind" varchar(16) not null, "title" varchar(200) not null, "body" text not null, "tags" jsonb not null, "media" jsonb not null, "status" varchar(16) not null default 'DRAFT', "author_id" uuid not null, "created_at" timestamptz(3) not null, "updated_at" timestamptz(3) not null, "published_at" timestamptz(3) null, "listed_at" timestamptz(3) not null, "like_count" int not null default 0, "comment_count" int not null default 0, "view_count" int not null default 0, constraint "contents_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "contents_status_published_at_index" on "contents" ("status", "published_at");`,
    );
    this.addSql(
      `create index "contents_status_view_count_id_index" on "contents" ("status", "view_count", "id");`,
    );
    this.addSql(
      `create index "contents_status_like_count_id_index" on "contents" ("status", "like_count", "id");`,
    );
    this.addSql(
      `create index "contents_author_id_listed_at_id_index" on "contents" ("author_id", "listed_at", "id");`,
    );
    this.addSql(
      `create index "contents_status_listed_at_id_index" on "contents" ("status", "listed_at", "id");`,
    );

    this.addSql(
      `create table "likes" ("user_id" uuid not null, "content_id" uuid not null, "created_at" timestamptz(3) not null, constraint "likes_pkey" primary key ("user_id", "content_id"));`,
    );
    this.addSql(`create index "likes_content_id_index" on "likes" ("content_id");`);

    this.addSql(
      `create table "content_tags" ("content_id" uuid not null, "tag" varchar(40) not null, constraint "content_tags_pkey" primary key ("content_id", "tag"));`,
    );
    this.addSql(
      `create index "content_tags_tag_content_id_index" on "content_tags" ("tag", "content_id");`,
    );

    this.addSql(
      `create table "comments" ("id" uuid not null, "content_id" uuid not null, "author_id" uuid not null, "body" text not null, "created_at" timestamptz(3) not null, constraint "comments_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "comments_content_id_created_at_id_index" on "comments" ("content_id", "created_at", "id");`,
    );

    this.addSql(
      `alter table "contents" add constraint "contents_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "likes" add constraint "likes_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "likes" add constraint "likes_content_id_foreign" foreign key ("content_id") references "contents" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "content_tags" add constraint "content_tags_content_id_foreign" foreign key ("content_id") references "contents" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "comments" add constraint "comments_content_id_foreign" foreign key ("content_id") references "contents" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "comments" add constraint "comments_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "contents" drop constraint "contents_author_id_foreign";`);

    this.addSql(`alter table "likes" drop constraint "likes_user_id_foreign";`);

    this.addSql(`alter table "comments" drop constraint "comments_author_id_foreign";`);

    this.addSql(`alter table "likes" drop constraint "likes_content_id_foreign";`);

    this.addSql(`alter table "content_tags" drop constraint "content_tags_content_id_foreign";`);

    this.addSql(`alter table "comments" drop constraint "comments_content_id_foreign";`);

    this.addSql(`drop table if exists "users" cascade;`);

    this.addSql(`drop table if exists "contents" cascade;`);

    this.addSql(`drop table if exists "likes" cascade;`);

    this.addSql(`drop table if exists "content_tags" cascade;`);

    this.addSql(`drop table if exists "comments" cascade;`);
  }
}
