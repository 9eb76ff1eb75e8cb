"""Use cases. Services flush; the caller (request, CLI command, job) commits once."""
