import { Field, InputType } from 'type-graphql';

@InputType()
export class SignUpInput {
  @Field(() => String)
  email!: string;
  @Field(() => String, { description: '10 to 256 characters, not only spaces.' })
  password!: string;
  @Field(() => String, { description: 'Lower-case letters, digits and _; 3 to 30 characters.' })
  handle!: string;
  @Field(() => String)
  displayName!: string;
}

@InputType()
export class LogInInput {
  @Field(() => String)
  email!: string;
  @Field(() => String)
  password!: string;
}

@InputType()
export class UpdateProfileInput {
  @Field(() => String, { nullable: true })
  displayName?: string | null;
  @Field(() => String, { nullable: true, description: 'Null or empty clears it.' })
  bio?: string | null;
  @Field(() => String, { nullable: true, description: 'An http(s) URL; null or empty clears it.' })
  avatarUrl?: string | null;
}
