"""cardscan: photos of business cards in, vCards filed by event out.

The stages, in order, each in its own module: load, straighten, light, orient
(with ocr), extract, normalise, vcard, store; batch runs them over many photos
and cli is the command line.
"""

__version__ = "0.1.0"
