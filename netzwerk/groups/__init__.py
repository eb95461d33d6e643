"""Working groups (Arbeitskreise): the heart of the network, with their members over time."""
