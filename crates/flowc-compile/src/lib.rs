//! From a checked flow file to request bodies: validation against the flow spec's own JSON
//! Schemas, cross-object checks, and compilation of the four bodies and the request plan.

pub mod bodies;
pub mod curl;
pub mod dataflow;
pub mod flowspec;
pub mod import;
pub mod json;
pub mod ordered;
pub mod output;
pub mod plan;
pub mod postman;
mod schemas;
pub mod validate;
