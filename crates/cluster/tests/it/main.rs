mod api;
mod fixtures;
mod props;
mod streams;
