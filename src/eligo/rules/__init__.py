"""The rule kinds as the unit of the engine: each kind's record (`kind.RuleKind`), the static registry
that orders them (`registry`), the one walker over composite rules (`walk`) and extraction (`extract`)."""
