"""One-click unsubscribe (RFC 8058, RFC 2369) from the recurring notifications: reminders and the weekly digest
carry a personal link in List-Unsubscribe; a POST to it turns that one kind of mail off without logging in."""
