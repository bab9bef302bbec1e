import { generate } from '@graphql-codegen/cli';
import { format, resolveConfig } from 'prettier';
import { codegenConfig, SDK_OUTPUT } from '../../sdk/codegen.config.js';

/**
 * Formats `text` as `npm run generate` leaves the file at `path` (relative to the repository
 * root, the working directory of the tests): prettier with the repository's settings.
 */
export async function formatLikeGenerate(text: string, path: string): Promise<string> {
  const options = await resolveConfig(path);
  return format(text, { ...options, filepath: path });
}

/**
 * The SDK as `npm run generate` would write it from the committed schema and operations:
 * graphql-codegen with codegen.ts's configuration, in memory (nothing is written), then
 * prettier.
 */
export async function freshSdk(): Promise<string> {
  // `generate` is typed as returning `any` (it never returns in watch mode).
  const outputs = (await generate(
    { ...codegenConfig, cwd: process.cwd(), silent: true },
    false,
  )) as { filename: string; content: string }[];
  const sdk = outputs.find((o) => o.filename === SDK_OUTPUT);
  if (!sdk) throw new Error(`graphql-codegen produced no ${SDK_OUTPUT}`);
  return formatLikeGenerate(sdk.content, SDK_OUTPUT);
}
