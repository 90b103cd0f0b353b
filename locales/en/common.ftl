# Shared interface strings (English). Keep locales/fr/common.ftl in step.
skip-to-content = Skip to main content
nav-label = Main menu
nav-processes = Processes
nav-admin = Administration
nav-account = My account
nav-login = Sign in
nav-signup = Create an account
nav-logout = Sign out
switch-language = Français
footer-free-software = Plenum is free software under the licence
footer-api = Public API
back-home = Back to the home page
form-has-errors = Some fields need your attention. Each problem is explained below its field.
save = Save
cancel = Cancel
previous-page = Previous page
next-page = Next page
page-of = Page { $page } of { $pages }

error-title-not-found = Page not found
error-title-forbidden = Not allowed
error-title-throttled = Too many attempts
error-title-busy = Server busy
error-title-internal = Something went wrong
error-title-generic = Request refused
error-not-found = This page does not exist, or it is no longer public.
error-sign-in = Please sign in to continue.
error-invalid = Some of the information sent is not valid.
error-internal = An unexpected error happened on our side. It has been logged; please try again later.
error-throttled = Too many attempts. Please wait { $minutes } minutes and try again.
error-busy = Many people are signing in right now. Please try again in a few seconds.
error-csrf = This form has expired or was not sent from this site. Go back, reload the page and try again.
error-too-large = What you sent is too large.
error-already-exists = This already exists.
error-required = This field is required.
error-too-short = Please write at least { $min } characters.
error-too-long = Please write at most { $max } characters.
error-control-characters = Please remove the invisible control characters (such as NUL) from this text.
error-email = Please enter an e-mail address such as name@example.org.
error-email-taken = An account already uses this e-mail address. Sign in instead, or use another address.
error-handle = Use 3 to 40 lowercase letters, digits, hyphens or underscores, starting with a letter or digit.
error-handle-taken = This name is already taken. Please choose another.
error-locale = This language is not available.
error-login-failed = The e-mail address or the password is wrong.
error-account-blocked = This account has been blocked by the town's staff.
error-password-wrong = The password is wrong.
error-category = Please choose a category from the list.
error-stance = Please choose for, against or neutral.
error-parent = The comment you reply to does not belong to this proposal.
error-reason = Please choose a reason from the list.
error-edited-meanwhile = This proposal was changed in the meantime. Reload the page to see the latest version, then edit again.
error-answer-state = Please choose evaluating, accepted or rejected.
error-answer-withdrawn = A withdrawn proposal cannot be answered.
error-phase-kind = Please choose a phase type from the list.
error-dates-order = The end must come after the start.
error-date = Please enter a date and time.
error-date-skipped = This time does not exist that day: the town’s clocks go forward to summer time. Choose a later time.
error-phase-overlap = This phase overlaps another phase of the process. Phases must follow one another.
error-publish-needs-phase = Add at least one phase before publishing the process.
password-too-short = Your password must have at least { $min } characters.
password-too-long = Your password must have at most { $max } characters.
password-too-common = This password is too common and easy to guess. A few unrelated words make a strong password that is easy to remember.
password-contains-personal = Your password must not contain your e-mail address, your user name or the name of this site.

denied-not-published = This process is not published.
denied-proposals-closed = New proposals are not accepted during the current phase ({ $phase }). { $opens ->
    [never] No later phase accepts them.
   *[other] They open on { $opens }.
}
denied-endorsements-closed = Endorsements are closed during the current phase ({ $phase }). { $opens ->
    [never] No later phase opens them.
   *[other] They open on { $opens }.
}
denied-comments-closed = Comments are closed during the current phase ({ $phase }). { $opens ->
    [never] No later phase opens them.
   *[other] They open on { $opens }.
}
denied-not-author = Only the author of this proposal can do this.
denied-answered = The town has already answered this proposal, so it can no longer be changed.
denied-proposal-closed = This proposal is withdrawn or rejected and no longer takes endorsements.
denied-staff-only = This page is for the town's staff.

phase-none = none
phase-information = Information
phase-proposals = Proposals
phase-evaluation = Evaluation
phase-vote = Vote
phase-results = Results
phase-implementation = Implementation

state-published = Published
state-evaluating = Being evaluated
state-accepted = Accepted
state-rejected = Rejected
state-withdrawn = Withdrawn

stance-for = For
stance-against = Against
stance-neutral = Neutral

month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

notice-signed-up = Welcome! Your account is created and you are signed in.
notice-signed-in = You are signed in.
notice-signed-out = You are signed out.
notice-proposal-created = Your proposal is published.
notice-proposal-updated = Your changes are saved.
notice-proposal-withdrawn = Your proposal is withdrawn.
notice-endorsed = Your endorsement is counted.
notice-unendorsed = Your endorsement is withdrawn.
notice-comment-added = Your comment is published.
notice-reported = Thank you. The town's staff will review your report.
notice-settings-saved = Your settings are saved.
notice-process-saved = The process is saved.
notice-phase-saved = The phases are saved.
notice-answer-saved = The answer is published.
notice-moderation-done = Done.
notice-token-created = Your API token is created. Copy it now: it will not be shown again.
notice-account-deleted = Your account is deleted. Thank you for your participation.

## Numbers, amounts, dates and times (CLDR's English forms)
number-group = ,
number-decimal = .
percent = { $number }%
money-symbol = { $symbol }{ $number }
money-code = { $code }{ "\u00A0" }{ $number }
date-format = { $day } { $month } { $year }
datetime-format = { $date }, { $time }
time-whole-hour = { $hour12 } { $period }
time-with-minutes = { $hour12 }:{ $minute } { $period }
time-am = am
time-pm = pm
