"""Data protection rules, one module per concern, driven by the one declaration in registry.py: consent
(the privacy notice and consents), export (access, Art. 15), erasure (Art. 17, deletion requests, contact
persons), retention (periods and the daily purge). No request, no commit: the unit of work commits."""
