# Account security: two-factor sign-in (TOTP codes and recovery codes).

two-factor-title = Two-factor sign-in
two-factor-intro = With two-factor sign-in, signing in asks for your password and then a six-digit code from an authenticator app on your phone (such as FreeOTP, Aegis or Google Authenticator). Someone who learns your password still cannot sign in.
two-factor-staff-must = Staff accounts must use two-factor sign-in: turn it on below before using the staff pages.
two-factor-step-scan = 1. Add the account to your app
two-factor-qr-alt = QR code for your authenticator app. If you cannot scan it, type the key written below it.
two-factor-secret-label = Or type this key in the app (letters and digits, spaces do not matter):
two-factor-open-app = Open in an authenticator app on this device
two-factor-step-confirm = 2. Type the code the app shows
field-two-factor-app-code = Six-digit code from the app
two-factor-confirm-submit = Turn on two-factor sign-in
two-factor-is-on = Two-factor sign-in is on for your account.
two-factor-codes-left = { $count ->
    [one] You have 1 unused recovery code left.
   *[other] You have { $count } unused recovery codes left.
}
two-factor-new-codes = New recovery codes
two-factor-new-codes-intro = Used some of your recovery codes, or lost the list? Get ten new ones: the old ones stop working at once. Confirm with your password and a current code from your app (or a recovery code).
two-factor-new-codes-submit = Get new recovery codes
two-factor-disable = Turn off two-factor sign-in
two-factor-disable-intro = To turn it off, confirm with your password and a current code from your app (or a recovery code).
two-factor-disable-submit = Turn off two-factor sign-in
two-factor-back-account = Back to my account
two-factor-codes-title = Your recovery codes
two-factor-codes-intro = Keep these codes somewhere safe (printed, or in a password manager). If you lose your phone, each code lets you sign in once instead of a code from the app. They are shown only now.
two-factor-codes-done = I have kept my recovery codes
two-factor-code-title = Sign-in code
two-factor-code-intro = Your password is right. To finish signing in, type the code your authenticator app shows now.
field-two-factor-code = Code from your app, or a recovery code
two-factor-code-hint = Six digits from the app, or one of your recovery codes (like abcde-12345).
two-factor-code-submit = Finish signing in
two-factor-code-restart = Start signing in again
two-factor-error-code = This code is not right, or was already used. Type the code the app shows now, or an unused recovery code.
two-factor-error-start-again = Reload this page to get a key, then type the code your app shows for it.
two-factor-already-on = Two-factor sign-in is already on for this account.
two-factor-sign-in-again = Your sign-in was not finished in time, or was started in another browser. Please sign in again with your password.
two-factor-enrol-first = Staff accounts must turn on two-factor sign-in first.
two-factor-code-needed = This account uses two-factor sign-in: send the current code from the app in "code".
notice-two-factor-on = Two-factor sign-in is on.
notice-two-factor-off = Two-factor sign-in is off.
account-two-factor-link = Two-factor sign-in
