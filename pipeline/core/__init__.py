"""What every stage shares and imports, and which imports none of them: the frozen records passed from
stage to stage (``models``), the errors and exit codes (``errors``), text made safe to store and to print
(``safetext``), and those records as JSON (``contact_json``)."""
