"""News and press releases (Aktuelles, Pressemitteilungen): the network's public image, with an Atom feed."""
