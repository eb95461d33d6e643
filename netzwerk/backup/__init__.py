"""Backup and restore of the whole database: ``flask backup create`` and ``flask backup restore``."""
