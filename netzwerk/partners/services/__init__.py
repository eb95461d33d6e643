"""Rules for partners, one module per concern: partnerships (and the users of a partner organisation), links
(Kooperationen), logo, profile (the partner's own profile and undoing a partner's change), freshness
(reminders to keep a profile current). No commits here: the unit of work commits and sends the mails."""
