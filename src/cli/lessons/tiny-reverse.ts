/**
 * Reversal models trained in-process for a lesson: they live in the library (src/train/tiny-reverse.ts)
 * so the lessons page trains the very same models.
 */
import { train } from '../../index.js';

export type ReverseSettings = train.ReverseSettings;
export type TrainedReverse = train.TrainedReverse;
export const { reverseConfig, trainReverse, trainTinyReverse, sourceBatch } = train;
