import { Migration } from '@mikro-orm/migrations';

export class Migration20261127195710 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`conversations\` (\`id\` text not null, \`kind\` text not null, \`title\` text null, \`direct_key\` text null, \`created_at\` datetime not null, \`last_message_at\` datetime not null, \`last_seq\` integer not null default 0, primary key (\`id\`));`,
    );
    this.addSql(
      `create unique index \`conversations_direct_key_unique\` on \`conversations\` (\`direct_key\`);`,
    );
    this.addSql(
      `create index \`conversations_last_message_at_id_index\` on \`conversations\` (\`last_message_at\`, \`id\`);`,
    );

    this.addSql(
      `create table \`messages\` (\`id\` text not null, \`conversation_id\` text not null, \`author_id\` text not null, \`seq\` integer not null, \`ciphertext\` text null, \`key_id\` text null, \`reply_to_id\` text null, \`client_message_id\` text null, \`created_at\` datetime not null, \`edited_at\` datetime null, \`deleted_at\` datetime null, constraint \`messages_conversation_id_foreign\` foreign key(\`conversation_id\`) references \`conversations\`(\`id\`) on delete cascade on update cascade, constraint \`messages_author_id_foreign\` foreign key(\`author_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`messages_reply_to_id_foreign\` foreign key(\`reply_to_id\`) references \`messages\`(\`id\`) on delete set null on update cascade, primary key (\`id\`));`,
    );
    this.addSql(
      `create index \`messages_conversation_id_index\` on \`messages\` (\`conversation_id\`);`,
    );
    this.addSql(`create index \`messages_author_id_index\` on \`messages\` (\`author_id\`);`);
    this.addSql(`create index \`messages_reply_to_id_index\` on \`messages\` (\`reply_to_id\`);`);
    this.addSql(
      `create index \`messages_conversation_id_author_id_seq_index\` on \`messages\` (\`conversation_id\`, \`author_id\`, \`seq\`);`,
    );
    this.addSql(
      `create unique index \`messages_conversation_id_author_id_client_message_id_unique\` on \`messages\` (\`conversation_id\`, \`author_id\`, \`client_message_id\`);`,
    );
    this.addSql(
      `create unique index \`messages_conversation_id_seq_unique\` on \`messages\` (\`conversation_id\`, \`seq\`);`,
    );

    this.addSql(
      `create table \`reactions\` (\`message_id\` text not null, \`user_id\` text not null, \`emoji\` text not null, \`created_at\` datetime not null, constraint \`reactions_message_id_foreign\` foreign key(\`message_id\`) references \`messages\`(\`id\`) on delete cascade on update cascade, constraint \`reactions_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`message_id\`, \`user_id\`, \`emoji\`));`,
    );
    this.addSql(`create index \`reactions_message_id_index\` on \`reactions\` (\`message_id\`);`);
    this.addSql(`create index \`reactions_user_id_index\` on \`reactions\` (\`user_id\`);`);

    this.addSql(
      `create table \`conversation_members\` (\`conversation_id\` text not null, \`user_id\` text not null, \`joined_at\` datetime not null, \`left_at\` datetime null, \`last_read_seq\` integer not null default 0, constraint \`conversation_members_conversation_id_foreign\` foreign key(\`conversation_id\`) references \`conversations\`(\`id\`) on delete cascade on update cascade, constraint \`conversation_members_user_id_foreign\` foreign key(\`user_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`conversation_id\`, \`user_id\`));`,
    );
    this.addSql(
      `create index \`conversation_members_conversation_id_index\` on \`conversation_members\` (\`conversation_id\`);`,
    );
    this.addSql(
      `create index \`conversation_members_user_id_index\` on \`conversation_members\` (\`user_id\`);`,
    );
    this.addSql(
      `create index \`conversation_members_user_id_left_at_index\` on \`conversation_members\` (\`user_id\`, \`left_at\`);`,
    );

    this.addSql(
      `create table \`blocks\` (\`blocker_id\` text not null, \`blocked_id\` text not null, \`created_at\` datetime not null, constraint \`blocks_blocker_id_foreign\` foreign key(\`blocker_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, constraint \`blocks_blocked_id_foreign\` foreign key(\`blocked_id\`) references \`users\`(\`id\`) on delete cascade on update cascade, primary key (\`blocker_id\`, \`blocked_id\`));`,
    );
    this.addSql(`create index \`blocks_blocker_id_index\` on \`blocks\` (\`blocker_id\`);`);
    this.addSql(`create index \`blocks_blocked_id_index\` on \`blocks\` (\`blocked_id\`);`);
  }
}
