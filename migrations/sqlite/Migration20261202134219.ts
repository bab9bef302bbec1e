import { Migration } from '@mikro-orm/migrations';

export class Migration20261202134219 extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table \`rec_models\` add column \`events\` bigint not null default 0;`);
  }
}
