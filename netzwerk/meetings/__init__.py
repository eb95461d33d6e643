"""Meetings (Sitzungen): scheduling, invitations with calendar files, answers, "Meine Termine"."""
