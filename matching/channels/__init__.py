"""Stage 2, channels: what a need is about and how close each organization is to it — the
category classifier (P(category), P(Art. 11)), the lexical and dense text channels, and the
structured (need, organization) pair features the ranker combines."""
