/**
 * The lessons `glimpse lesson NAME` runs, as a table: a new lesson is one file and one row.
 */
import { tableKeys } from '../../index.js';
import type { LessonRule } from './lesson.js';
import { attention } from './attention.js';
import { bottleneck } from './bottleneck.js';
import { contextVector } from './context-vector.js';
import { languageModels } from './language-models.js';
import { lstmVsGru } from './lstm-vs-gru.js';

const table = {
  'language-models': languageModels,
  'lstm-vs-gru': lstmVsGru,
  'context-vector': contextVector,
  bottleneck,
  attention,
} satisfies Record<string, LessonRule>;

export type LessonName = keyof typeof table;
export const LESSONS: { readonly [K in LessonName]: LessonRule } = table;
export const LESSON_NAMES = tableKeys(LESSONS);
export { type LessonContext, type LessonRule, textTable, matrixTable } from './lesson.js';
