"""The contacts folder: a contact in, a vCard filed under its UID and its events out, and the questions
asked of it afterwards.

``folder`` (the folder on disk: lock, atomic writes, event files), ``run_journal`` (what each command
changed, for undo), ``queries`` (events, find, everyone met at an event).
"""
