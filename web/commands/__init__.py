"""Flask CLI command groups: thin wrappers over catalog and matching functions."""
