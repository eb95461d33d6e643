"""Accounts as the manager sees them (list, invite, edit) and each user's own profile."""
