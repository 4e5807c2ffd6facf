// The compiled ohm grammar, built once from the embedded grammar/rnn.ohm text.
import * as ohm from 'ohm-js';
import { rnnGrammarSource } from '../../grammar/rnn-grammar.generated.ts';

export const rnnGrammar: ohm.Grammar = ohm.grammar(rnnGrammarSource);
