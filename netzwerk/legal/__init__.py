"""The pages a public body needs: Datenschutzerklärung, Impressum, Erklärung zur Barrierefreiheit (with the
feedback channel BITV 2.0 asks for) and the tool explained in Leichte Sprache; the manager keeps their texts."""
