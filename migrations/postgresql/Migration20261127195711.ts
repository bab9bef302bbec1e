import { Migration } from '@mikro-orm/migrations';

export class Migration20261127195711 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table "conversations" ("id" uuid not null, "kind" varchar(16) not null, "title" varchar(100) null, "direct_key" varchar(80) null, "created_at" timestamptz(3) not null, "last_message_at" timestamptz(3) not null, "last_seq" int not null default 0, constraint "conversations_pkey" primary key ("id"));`,
    );
    this.addSql(
      `alter table "conversations" add constraint "conversations_direct_key_unique" unique ("direct_key");`,
    );
    this.addSql(
      `create index "conversations_last_message_at_id_index" on "conversations" ("last_message_at", "id");`,
    );

    this.addSql(
      `create table "messages" ("id" uuid not null, "conversation_id" uuid not null, "author_id" uuid not null, "seq" int not null, "ciphertext" text null, "key_id" varchar(32) null, "reply_to_id" uuid null, "client_message_id" varchar(100) null, "created_at" timestamptz(3) not null, "edited_at" timestamptz(3) null, "deleted_at" timestamptz(3) null, constraint "messages_pkey" primary key ("id"));`,
    );
    this.addSql(
      `create index "messages_conversation_id_author_id_seq_index" on "messages" ("conversation_id", "author_id", "seq");`,
    );
    this.addSql(
      `alter table "messages" add constraint "messages_conversation_id_author_id_client_message_id_unique" unique ("conversation_id", "author_id", "client_message_id");`,
    );
    this.addSql(
      `alter table "messages" add constraint "messages_conversation_id_seq_unique" unique ("conversation_id", "seq");`,
    );

    this.addSql(
      `create table "reactions" ("message_id" uuid not null, "user_id" uuid not null, "emoji" varchar(32) not null, "created_at" timestamptz(3) not null, constraint "reactions_pkey" primary key ("message_id", "user_id", "emoji"));`,
    );

    this.addSql(
      `create table "conversation_members" ("conversation_id" uuid not null, "user_id" uuid not null, "joined_at" timestamptz(3) not null, "left_at" timestamptz(3) null, "last_read_seq" int not null default 0, constraint "conversation_members_pkey" primary key ("conversation_id", "user_id"));`,
    );
    this.addSql(
      `create index "conversation_members_user_id_left_at_index" on "conversation_members" ("user_id", "left_at");`,
    );

    this.addSql(
      `create table "blocks" ("blocker_id" uuid not null, "blocked_id" uuid not null, "created_at" timestamptz(3) not null, constraint "blocks_pkey" primary key ("blocker_id", "blocked_id"));`,
    );
    this.addSql(`create index "blocks_blocked_id_index" on "blocks" ("blocked_id");`);

    this.addSql(
      `alter table "messages" add constraint "messages_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "messages" add constraint "messages_author_id_foreign" foreign key ("author_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "messages" add constraint "messages_reply_to_id_foreign" foreign key ("reply_to_id") references "messages" ("id") on update cascade on delete set null;`,
    );

    this.addSql(
      `alter table "reactions" add constraint "reactions_message_id_foreign" foreign key ("message_id") references "messages" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "reactions" add constraint "reactions_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "conversation_members" add constraint "conversation_members_conversation_id_foreign" foreign key ("conversation_id") references "conversations" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "conversation_members" add constraint "conversation_members_user_id_foreign" foreign key ("user_id") references "users" ("id") on update cascade on delete cascade;`,
    );

    this.addSql(
      `alter table "blocks" add constraint "blocks_blocker_id_foreign" foreign key ("blocker_id") references "users" ("id") on update cascade on delete cascade;`,
    );
    this.addSql(
      `alter table "blocks" add constraint "blocks_blocked_id_foreign" foreign key ("blocked_id") references "users" ("id") on update cascade on delete cascade;`,
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "messages" drop constraint "messages_conversation_id_foreign";`);

    this.addSql(
      `alter table "conversation_members" drop constraint "conversation_members_conversation_id_foreign";`,
    );

    this.addSql(`alter table "messages" drop constraint "messages_reply_to_id_foreign";`);

    this.addSql(`alter table "reactions" drop constraint "reactions_message_id_foreign";`);

    this.addSql(`drop table if exists "conversations" cascade;`);

    this.addSql(`drop table if exists "messages" cascade;`);

    this.addSql(`drop table if exists "reactions" cascade;`);

    this.addSql(`drop table if exists "conversation_members" cascade;`);

    this.addSql(`drop table if exists "blocks" cascade;`);
  }
}
