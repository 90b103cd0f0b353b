# E-mail: what notification mails and digests say, the unsubscribe pages, staff's mail page.

mail-footer-town = { $town }
mail-settings = My e-mail settings
mail-unsubscribe = Unsubscribe
mail-open = Open it
mail-open-notifications = See all my notifications
mail-notification-subject = { $town }: { $text }
mail-reason-immediate = You receive this message because you asked to be told at once of each notification.
mail-reason-daily = You receive this summary once a day because you follow what happens in your town.
mail-reason-weekly = You receive this summary once a week because you follow what happens in your town.
mail-digest-subject-daily = { $town }: { $count ->
    [one] 1 new notification today
   *[other] { $count } new notifications today
}
mail-digest-subject-weekly = { $town }: { $count ->
    [one] 1 new notification this week
   *[other] { $count } new notifications this week
}
mail-digest-heading = { $count ->
    [one] Here is what happened since our last message.
   *[other] Here are the { $count } things that happened since our last message.
}
error-mail-address = This e-mail address is not valid.

notification-proposal = New proposal in a process you follow: “{ $title }”.
notification-phase-start = “{ $title }”: the { $phase } phase has started.
notification-vote-open = “{ $title }”: the vote is open.
notification-vote-close = “{ $title }”: the vote is closed.

unsubscribe-title = Stop e-mail
unsubscribe-confirm = Do you want to stop receiving e-mail about your notifications? You will still see them on the site.
unsubscribe-confirm-process = Do you want to stop following this process? You will no longer hear about it.
unsubscribe-button = Stop e-mail
unsubscribe-done = Done: you will no longer receive e-mail about your notifications. You can turn it back on in your account settings.
unsubscribe-done-process = Done: you no longer follow this process.
unsubscribe-invalid = This unsubscribe link is not valid. It may have been cut by your mail program: copy the whole link, or sign in and change your e-mail settings in your account.

admin-mail-title = Mail
admin-mail-nav = Mail
admin-mail-counts = Mail by state
admin-mail-state-pending = Waiting to be sent
admin-mail-state-sending = Being sent
admin-mail-state-sent = Sent
admin-mail-state-failed = Failed
admin-mail-no-transport = No way out is configured (PLENUM_SMTP_URL or PLENUM_MAIL_DIR): mail waits in the queue.
admin-mail-failed = Failed mail
admin-mail-failed-none = No failed mail.
admin-mail-to = To
admin-mail-subject = Subject
admin-mail-kind = Kind
admin-mail-attempts = Attempts
admin-mail-error = Error
admin-mail-created = Queued
admin-mail-retry = Send again
notice-mail-retried = The mail will be sent again.
