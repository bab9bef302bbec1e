import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { signedIn, type Context } from '../../context.js';
import { AuthPayload } from './accounts.types.js';
import { LogInInput, SignUpInput, UpdateProfileInput } from './accounts.inputs.js';
import { Role, User } from './user.entity.js';
import type { AccountsService } from './accounts.service.js';

@Resolver(() => User)
export class AccountsResolver {
  constructor(private readonly accounts: AccountsService) {}

  @Query(() => User, { nullable: true, description: 'The signed-in user; null when nobody is.' })
  me(@Ctx() ctx: Context): User | null {
    return ctx.viewer;
  }

  @Query(() => User, { nullable: true })
  user(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<User | null> {
    return this.accounts.findById(ctx, id);
  }

  @Query(() => User, { nullable: true })
  userByHandle(@Arg('handle', () => String) handle: string, @Ctx() ctx: Context) {
    return this.accounts.findByHandle(ctx, handle);
  }

  @Mutation(() => AuthPayload)
  async signUp(@Arg('input', () => SignUpInput) input: SignUpInput, @Ctx() ctx: Context) {
    const payload = await this.accounts.signUp(ctx, input);
    ctx.actAs(payload.user);
    return payload;
  }

  @Mutation(() => AuthPayload)
  async logIn(@Arg('input', () => LogInInput) input: LogInInput, @Ctx() ctx: Context) {
    const payload = await this.accounts.logIn(ctx, input);
    ctx.actAs(payload.user);
    return payload;
  }

  @Mutation(() => User)
  updateProfile(
    @Arg('input', () => UpdateProfileInput) input: UpdateProfileInput,
    @Ctx() ctx: Context,
  ) {
    return this.accounts.updateProfile(signedIn(ctx), input);
  }

  @Mutation(() => User, { description: 'Admins only.' })
  setUserRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => Role) role: Role,
    @Ctx() ctx: Context,
  ) {
    return this.accounts.setUserRole(signedIn(ctx), userId, role);
  }
}
