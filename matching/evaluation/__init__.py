"""Measurement: metrics as small pure functions, scoring a run against labels, evaluating a
labeled folder through the production path, and cross-validating the whole procedure."""
