# Account mails (issue 22): confirming the address, a forgotten password, changing the address.

## Confirming the address
confirm-banner-title = Confirm your e-mail address
confirm-banner-required = We sent a link to { $email }. Follow it to confirm your address: until then you can read and sign in, but not propose, endorse, comment, vote or report.
confirm-banner-optional = We sent a link to { $email }. Follow it to confirm your address: until then we send you no e-mail.
confirm-banner-resend = Send the link again
denied-email-unconfirmed = Confirm your e-mail address first: follow the link we sent you. You can ask for a new link at the top of any page.
notice-email-confirmed = Your e-mail address is confirmed. Thank you!
notice-confirmation-sent = We sent a new link to your e-mail address. It works for 48 hours.

## Links that do not work
link-refused-title = This link does not work
link-unknown = We do not know this link. It may have been cut or mistyped: copy the whole address from the mail.
link-used = This link was already used. Each link works only once.
link-expired = This link has expired.
link-reset-again = Ask for a new link: we will mail it to you at once. It works for one hour.
link-reset-ask = Ask for a new link
link-confirm-again = Sign in: every page then offers to send you a new link.
link-change-again = Ask for the change again from your account page.

## Forgotten password
login-forgot = Forgot your password?
forgot-title = Forgotten password
forgot-intro = Enter the e-mail address of your account. We will send you a link to choose a new password.
forgot-submit = Send me a link
forgot-sent = If an account uses this address, we have sent a link to it. It works once and for one hour.
forgot-sent-hint = No mail after a few minutes? Look in your spam folder, or check the address and ask again.
reset-title = Choose a new password
reset-intro = Your new password replaces the old one and signs you out everywhere else.
field-new-password = New password
reset-submit = Save my new password
notice-password-reset = Your password is changed and your other sessions are closed. Sign in with your new password.

## Changing the address
account-email-change = Change my e-mail address
account-email-change-intro = We will send a link to the new address; the change is made only when you follow it. Your current address is told of it.
field-new-email = New e-mail address
field-current-password = Your current password
account-email-change-submit = Send the link to the new address
error-email-same = This is already your address.
notice-email-change-sent = We sent a link to your new address. Your address changes when you follow it.
notice-email-changed = Your e-mail address is changed.

## The mails
mail-account-reason = You receive this message because of an action on your account at { $town }. If it was not you, you may ignore it.
mail-confirm-subject = { $town }: confirm your e-mail address
mail-confirm-heading = Confirm your e-mail address
mail-confirm-body = You created an account at { $town } with this address. Follow the link to confirm it; you can then take part (propose, endorse, comment, vote). The link works once and for 48 hours.
mail-confirm-action = Confirm my address
mail-reset-subject = { $town }: choose a new password
mail-reset-heading = Choose a new password
mail-reset-body = Someone, we hope you, asked for a new password for the account with this address. Follow the link to choose one. It works once and for one hour.
mail-reset-ignore = If you did not ask for it, ignore this message: your password stays as it is.
mail-reset-action = Choose a new password
mail-change-new-subject = { $town }: confirm your new e-mail address
mail-change-new-heading = Confirm your new e-mail address
mail-change-new-body = You asked to use this address for your account { $username } at { $town }. Follow the link to confirm it; until then your account keeps its old address. The link works once and for 48 hours.
mail-change-new-action = Use this address
mail-change-old-subject = { $town }: a change of your e-mail address was asked
mail-change-old-heading = A change of your e-mail address was asked
mail-change-old-body = Someone signed in to your account { $username } asked to move it to the address { $new }. Nothing changes unless the link sent to that address is followed.
mail-change-old-not-you = If it was not you, choose a new password now: it signs out everyone else.
mail-change-old-action = Choose a new password
