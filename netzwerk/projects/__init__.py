"""Stadt-Umland projects (Vorhaben): joint plans of city and county, with milestones and the groups and actors
taking part."""
