#!/usr/bin/env node
/** The `glimpse` command line. */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);
