//! Rules about root users, secrets and untrusted sources.

// One `mod` line and one `pub use` line per rule, in code order.
mod last_user_root;
mod non_numeric_user;
mod privileged_port_non_root;
mod runs_as_root;
pub mod secret_files;
mod secret_in_image;
mod secrets_used_in_arg_or_env;
mod sensitive_name_in_arg_or_env;
mod sudo_in_run;
mod untrusted_registry;
pub use last_user_root::LastUserRoot;
pub use non_numeric_user::NonNumericUser;
pub use privileged_port_non_root::PrivilegedPortNonRoot;
pub use runs_as_root::RunsAsRoot;
pub use secret_in_image::SecretInImage;
pub use secrets_used_in_arg_or_env::SecretsUsedInArgOrEnv;
pub use sensitive_name_in_arg_or_env::SensitiveNameInArgOrEnv;
pub use sudo_in_run::SudoInRun;
pub use untrusted_registry::UntrustedRegistry;
