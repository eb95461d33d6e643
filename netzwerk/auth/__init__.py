"""Login, logout, invitations, password reset and the access rules (permissions.py)."""
