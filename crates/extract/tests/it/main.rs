//! Extraction tests: golden pages written for the project, the evaluation set's score floor, bad input.

mod bad_input;
mod devset;
mod fuzz_corpus;
mod golden;
