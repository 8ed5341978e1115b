//! The outlets' integration tests: one binary. All traffic goes to 127.0.0.1; every wait is under a timeout.

mod corpus;
mod farm;
mod pages;
mod server;
mod support;
