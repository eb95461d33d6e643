"""Date polls (Terminumfragen): a lead proposes time slots, members vote, the best slot becomes a meeting."""
