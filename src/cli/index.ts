import { UserError } from '../errors.js';
import { buildProgram } from './program.js';

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof UserError)) throw error;
  console.error(`coldbench: ${error.message}`);
  process.exitCode = error.exitCode;
}
