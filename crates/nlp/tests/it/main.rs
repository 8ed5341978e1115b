//! Reading tests: the seed article, the golden snippets, bad input.

mod bad_input;
mod base;
mod cyrillic;
mod cyrillic_entities;
mod dates;
mod fuzz_corpus;
mod golden;
mod golden_passes;
mod languages;
mod names;
mod run_on;
mod seed;
mod slow_inputs;
mod speakers_polnear;
