//! Reading tests: the seed article, the golden snippets, bad input.
