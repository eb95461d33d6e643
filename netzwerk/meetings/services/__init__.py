"""The meetings' rules, one module per topic: scheduling (invitations, answers, changes), capacity (waiting
list), tokens (answer links, feed secrets), lists, calendar (iCalendar files and feeds), minutes. Services
decide and raise domain errors (netzwerk/errors.py); they never commit."""
