"""Scheduled jobs, declared as data, run by exactly one scheduler process."""
