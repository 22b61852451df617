//! The build context: the files beside the Dockerfile that a build can see.

pub mod dockerignore;
