"""`cardscan review`: the local server (``server``), the form it shows and checks (``form``), and the page
itself (``static/``)."""
