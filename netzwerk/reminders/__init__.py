"""Reminders: before meetings, to answer, the weekly digest. Planned by the scheduler's sweep (services.py) into
the outbox, where each reminder exists once by its key; the manager sets the defaults here."""
