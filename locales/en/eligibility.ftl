# Eligibility: the census (kept as keyed hashes) and verified residents.
census-title = Census and verified residents
census-status-title = Current census
census-none-yet = No census imported yet: no one can verify their residency online.
census-entries = { $count ->
    [one] 1 person in the census
   *[other] { $count } people in the census
}
census-columns = Identifiers asked:
census-imported-at = Imported on
census-verified-count = { $count ->
    [0] No verified account
    [one] 1 verified account
   *[other] { $count } verified accounts
}
census-import-title = Replace the census
census-import-intro = The new file replaces the whole census at once. Plenum keeps only a keyed fingerprint of each line, never the identifiers themselves. Accounts verified against a person no longer in the census lose their verification.
census-file = Census file (CSV)
census-file-hint = First line: the column names (for example document_number;birth_date;postcode), then one person per line, fields separated by ; or ,.
census-import-button = Import and replace
census-file-required = Choose a CSV file to import.
census-upload-incomplete = The upload did not arrive whole (the connection broke off?): nothing was imported, the census is unchanged. Please send the file again.
census-refused-title = The file was not imported
census-refused-count = { $count ->
    [one] 1 line is malformed; the census is unchanged.
   *[other] { $count } lines are malformed; the census is unchanged.
}
census-line = Line
census-person-title = Verify or revoke an account
census-username = User name of the account
census-verify-button = Verified at the town hall
census-revoke-button = Revoke the verification
census-no-such-account = There is no account with this user name.
census-log-title = Verification log
census-log-empty = Nothing yet.
census-col-when = When
census-col-what = What
census-col-account = Account
census-col-by = By
census-col-detail = Detail
census-event-verified = Verified
census-event-conflict = Conflict: identifiers of an already verified person
census-event-revoked = Verification revoked
census-event-expired = Expired (no longer in the census)
census-event-imported = Census replaced
census-not-text = This line cannot be read as CSV text.
census-header = The first line must name every column.
census-field-count = { $found } fields instead of { $expected }.
census-empty-value = The value for “{ $column }” is empty.
census-value-too-long = The value for “{ $column }” is longer than { $max } characters.
census-empty = The file has no one in it.
census-has-errors = { $count } malformed lines: nothing was imported.
census-not-verified = These details could not be verified. Check what you typed; if it is right, the town hall can verify you in person.
census-none = This town has no census online yet: the town hall can verify you in person.
census-fill-all = Fill in every field.
notice-census-imported = The census was replaced.
notice-census-verified = The account is verified.
notice-census-revoked = The verification is revoked.
notice-census-self-verified = Your account is verified: you are counted as a resident.
verify-title = Verify that you live here
verify-intro = Type your details as they appear on your papers. They are compared with the town's census and not stored.
verify-button = Verify
verify-no-census = The town has not put its census online yet.
verify-in-person = You can also be verified at the town hall, with your papers.
verify-done-census = Your account is verified against the census: you are counted as a resident.
verify-done-in_person = Your account was verified at the town hall: you are counted as a resident.
account-verify-link = Verify that you live here
denied-not-resident = This process counts only verified residents. Verify that you live here (Account → Verify that you live here), or ask at the town hall.
eligibility-capability-propose = Who may propose
eligibility-capability-rule = Who may endorse (support from other towns and the fediverse counts only under “everyone” or from listed peer towns)
eligibility-capability-comment = Who may comment
eligibility-capability-vote = Who may vote
remote-peers-verify-first = This process counts residents of its partner towns: verify that you live here first, so that this town can vouch for you.
attested-by = Counted as residents of peer towns, vouched for by:
