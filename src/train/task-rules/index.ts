/**
 * The tasks `glimpse train --task` knows, as a table: one row per task (its file beside this
 * one). Every synthetic task of `data.SYNTHETIC_TASKS` is a row through `syntheticTaskRule`,
 * so a new synthetic task is its generator and one row there; a new kind of task is a file and
 * a row here.
 */
import { SYNTHETIC_TASKS, type SyntheticTaskName } from '../../data/index.js';
import { tableKeys } from '../../util/table.js';
import { lmTask } from './lm.js';
import type { TaskRule } from './rule.js';
import { syntheticTaskRule } from './synthetic.js';
import { translateTask } from './translate.js';

const synthetic = Object.fromEntries(tableKeys(SYNTHETIC_TASKS).map((n) => [n, syntheticTaskRule(n)])) as { [K in SyntheticTaskName]: TaskRule };

const table = { lm: lmTask, translate: translateTask, ...synthetic } satisfies Record<string, TaskRule>;

export type TaskName = keyof typeof table;
export const TASKS: { readonly [K in TaskName]: TaskRule } = table;
export const TASK_NAMES = tableKeys(TASKS);
export type { TaskRule, TaskPreset, ModelChoice } from './rule.js';
