"""The actor registry (Akteure): organisations, municipalities, fields of action, import and export."""
