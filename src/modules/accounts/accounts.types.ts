import { Field, ObjectType } from 'type-graphql';
import { User } from './user.entity.js';

@ObjectType()
export class AuthPayload {
  @Field(() => String, {
    description:
      'Send as `Authorization: Bearer <token>` over HTTP, or as connectionParams `{ authorization: "Bearer <token>" }` over graphql-ws.',
  })
  token!: string;
  @Field(() => Date)
  expiresAt!: Date;
  @Field(() => User)
  user!: User;
}
