"""The network picture (Netzwerkbild) of the manager's overview: actors, partners, working groups and projects
as a graph, with clusters, bridges and unlinked actors, and the same data as tables."""
