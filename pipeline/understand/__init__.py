"""Understanding a card: its OCR lines in, a contact out, and what in it deserves a second look.

Pure functions, no I/O but reading the data files: ``extract`` (lines to fields, one module per seam),
``normalise`` (the values in the form a phone expects), ``lexicons`` with ``data/`` (what cardscan knows
of languages and countries), ``doubts`` (which values to check, and why).
"""
