//! Text analysis: script and width normalization with a map back to the original text
//! ([`normalize`]), Traditional/Simplified conversion ([`script`]), and the two tantivy
//! tokenizers: character bigrams for exact matching ([`exact`]) and jieba words for ranking
//! ([`words`]). (Skeleton: to be completed by the index and search issue.)
