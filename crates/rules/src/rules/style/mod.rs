//! Rules about conventions that keep Dockerfiles readable.

// One `mod` line and one `pub use` line per rule, in code order.
mod cd_instead_of_workdir;
mod consecutive_run;
mod consistent_instruction_casing;
mod directive_casing;
mod expose_proto_casing;
mod from_as_casing;
mod invalid_definition_description;
mod invalid_label_key;
mod label_not_in_schema;
mod legacy_key_value_format;
mod maintainer_deprecated;
mod missing_required_label;
mod no_empty_continuation;
mod redundant_target_platform;
mod stage_name_casing;
mod wget_without_progress;
pub use cd_instead_of_workdir::CdInsteadOfWorkdir;
pub use consecutive_run::ConsecutiveRun;
pub use consistent_instruction_casing::ConsistentInstructionCasing;
pub use directive_casing::DirectiveCasing;
pub use expose_proto_casing::ExposeProtoCasing;
pub use from_as_casing::FromAsCasing;
pub use invalid_definition_description::InvalidDefinitionDescription;
pub use invalid_label_key::InvalidLabelKey;
pub use label_not_in_schema::LabelNotInSchema;
pub use legacy_key_value_format::LegacyKeyValueFormat;
pub use maintainer_deprecated::MaintainerDeprecated;
pub use missing_required_label::MissingRequiredLabel;
pub use no_empty_continuation::NoEmptyContinuation;
pub use redundant_target_platform::RedundantTargetPlatform;
pub use stage_name_casing::StageNameCasing;
pub use wget_without_progress::WgetWithoutProgress;
