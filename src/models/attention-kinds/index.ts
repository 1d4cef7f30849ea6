/**
 * The attention kinds of the seq2seq model: one rule per kind (its file beside this one), one
 * row each here. The kind names are this table's keys; adding a kind is a file and a row, and
 * every table keyed by {@link AttentionKind} (help texts, the web page's labels) must then have
 * a row for it, or `tsc` refuses it.
 */
import { tableKeys } from '../../util/table.js';
import { bahdanau } from './bahdanau.js';
import { luongConcat } from './luong-concat.js';
import { luongDot } from './luong-dot.js';
import { localM } from './local-m.js';
import { localP } from './local-p.js';
import { luongGeneral } from './luong-general.js';
import { multiHead } from './multi-head.js';
import { none } from './none.js';
import type { AttentionRule } from './rule.js';

const table = {
  none,
  bahdanau,
  'luong-dot': luongDot,
  'luong-general': luongGeneral,
  'luong-concat': luongConcat,
  'local-m': localM,
  'local-p': localP,
  'multi-head': multiHead,
} satisfies Record<string, AttentionRule>;

export type AttentionKind = keyof typeof table;
export const ATTENTION: { readonly [K in AttentionKind]: AttentionRule } = table;
export const ATTENTION_KINDS = tableKeys(ATTENTION);
export type { AttentionRule, AttentionDims, AttentionOption, DecoderFlowName } from './rule.js';
