//! iotmark-registry: keeps a mark's status true after the label is printed. It records the
//! labels issuers sign, takes public reports, lets reviewers decide on them, and publishes
//! the signed lists every verifier refreshes from. The interface is `docs/registry.md`.
//!
//! * [`store`]: the database (SQLite or PostgreSQL, one query layer) and the change log.
//! * [`lists`]: the trust list and the signed revocation list, served and published.
//! * [`labels`]: recorded labels, the public record and the issuers' API.
//! * [`reports`]: public reports; [`limiter`]: their per-client rate limit.
//! * [`applications`]: makers' applications for the mark; [`review`]: their console pages.
//! * [`pages`]: the public register pages; [`console`]: the reviewers' console.
//! * [`http`]: the router and errors; [`serve`]: start-up; [`admin`]: the subcommands.
//! * [`loopback`]: a minimal HTTP client for the tests and the load benchmark.
//! * [`clock`]: dates and times; [`secrets`]: tokens and digests; [`html`]: escaping.

pub mod admin;
pub mod applications;
pub mod clock;
pub mod console;
pub mod html;
pub mod http;
pub mod keys;
pub mod labels;
pub mod limiter;
pub mod lists;
pub mod loopback;
pub mod pages;
pub mod reports;
pub mod review;
pub mod secrets;
pub mod serve;
pub mod store;
