"""Pictograms on announcements (issue 19): ten drawn pictures a teacher adds with one tap each,
sent to every parent as one strip without words (drawing: `tiles.py`, `shapes.py`; the strip:
`strip.py`; which are chosen: `choice.py`; the buttons: `handlers.py`, `views.py`; sending the
strip once and reusing it: `strip_sender.py`)."""
