export { parseInstant, toInstant } from './datetime.js';
export { compileFilter, compileFilterAst } from './filter-eval.js';
export { MAX_FILTER_LENGTH, type Token, tokenize } from './filter-lexer.js';
export { type CompareOp, type FilterNode, MAX_FILTER_DEPTH, parseFilter } from './filter-parser.js';
export {
  applyQuery,
  countMatching,
  DEFAULT_PAGE_SIZE,
  nextLinkFor,
  odataCollectionBody,
  parseQuery,
} from './query-options.js';
export type * from './types.js';
