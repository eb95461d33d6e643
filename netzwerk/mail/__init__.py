"""Mail: the one sending module (services.py) and the manager's Postausgang."""
