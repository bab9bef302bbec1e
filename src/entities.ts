import { User } from './modules/accounts/index.js';
import { Comment, Content, ContentTag, Like } from './modules/content/index.js';

/** Every MikroORM entity, in one list (discovery does not scan folders). */
export const entities = [User, Content, ContentTag, Like, Comment];
