"""Getting the contacts to the phone and to the eye: ``export`` (an event as one .vcf, Google or Outlook
CSV), ``carddav`` (push to an address book a phone syncs), ``qr_codes`` (a code per contact for a phone's
camera), ``event_sheet`` (one offline page per event) and ``review`` (the local page to check and correct
each card)."""
