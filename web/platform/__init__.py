"""Request plumbing every page and API call shares: the database session, JSON logs,
security headers and error pages, the input guard, throttling, languages and /health."""
