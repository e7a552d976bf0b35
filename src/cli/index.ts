import { CommanderError } from 'commander';
import { UserError } from '../errors.js';
import { internalErrorLine } from './crash.js';
import { buildProgram } from './program.js';

/** Commander's ways of ending after printing help or the version, which are not errors. */
const DONE = new Set(['commander.helpDisplayed', 'commander.help', 'commander.version']);

const program = buildProgram();
try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // Help (asked for, or shown because no command was given) keeps commander's exit code.
    if (DONE.has(error.code)) process.exitCode = error.exitCode;
    else {
      console.error(`coldbench: ${error.message.replace(/^error: /, '')} (run coldbench --help for usage)`);
      process.exitCode = 2;
    }
  } else if (error instanceof UserError) {
    console.error(`coldbench: ${error.message}`);
    process.exitCode = error.exitCode;
  } else {
    console.error(internalErrorLine(error));
    process.exitCode = 1;
  }
}
