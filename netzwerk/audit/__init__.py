"""The audit log (Änderungsprotokoll): who changed what and when."""
