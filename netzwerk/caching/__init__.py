"""Caching what is costly to compute and rarely changes, valid until the data it is made of changes."""
