"""Partners (Netzwerkpartner): actors with a partnership, their links (Kooperationen) to working groups and other
actors, and the partner organisations' self-service."""
