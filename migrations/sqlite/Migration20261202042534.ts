import { Migration } from '@mikro-orm/migrations';

export class Migration20261202042534 extends Migration {
  override async up(): Promise<void> {
    this.addSql(
      `create table \`memberships_jobs\` (\`name\` text not null, \`claimed_until\` bigint not null, primary key (\`name\`));`,
    );
  }
}
