"""The owners\x27 check-in of a joint action: /checkin/<token>, no account."""
