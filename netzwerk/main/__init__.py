"""Start pages by role, language choice and the health check."""
