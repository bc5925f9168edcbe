/**
 * Writes schema/epic-plan.schema.json, the published JSON Schema of native plan files, from the zod schema the
 * CLI validates with (common/plan-schema.ts). `npm test` checks that the committed file is up to date.
 *
 *   npx tsx scripts/write-plan-schema.ts
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../common/plan-schema';

const file = fileURLToPath(new URL('../schema/epic-plan.schema.json', import.meta.url));
writeFileSync(file, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${file}`);
