//! The map core's tests: golden cases for each repair and refusal, the shared DeepState samples against
//! GeographicLib's figures, properties of areas and changes, series, and the kept fuzz corpus.

mod fuzz_corpus;
mod golden;
mod properties;
mod samples;
mod series;
