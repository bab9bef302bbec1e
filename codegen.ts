// The CLI entry of `graphql-codegen --config codegen.ts`; the config lives in src/sdk so the
// schema test can run the same generation.
export { codegenConfig as default } from './src/sdk/codegen.config.js';
