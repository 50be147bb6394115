"""Stage 4, ranking: the `Matcher` (candidates → features → linear ranker), the gap decision,
Art. 11 screening, and the reverse direction (needs ranked for an organization)."""
