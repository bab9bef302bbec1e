import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { buildBareSchema, printSortedSchema } from '../schema.js';

/** Writes schema/schema.graphql from the code (part of `npm run generate`). */
writeFileSync('schema/schema.graphql', printSortedSchema(await buildBareSchema()));
console.log('Wrote schema/schema.graphql');
