"""Data protection (DSGVO): the privacy notice and consents, access to one's own data (Art. 15), erasure
(Art. 17) with deletion requests, retention periods, and deleting contact persons on request."""
