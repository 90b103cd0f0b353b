# Notifications, following, and how often a person wants e-mail about them.

nav-notifications = Notifications
nav-notifications-unread = { $count ->
    [one] 1 unread
   *[other] { $count } unread
}
notifications-title = My notifications
notifications-none = Nothing new yet. Follow a process or a proposal to hear about what happens there.
notifications-unread = New
notifications-mark-read = Mark as read
notifications-mark-all = Mark all as read
notice-notification-read = Marked as read.
notice-following = You now follow it: you will hear about what happens there.
notice-not-following = You no longer follow it.

notification-answer = The town answered “{ $title }”: { $state }.
notification-comment = New comment on “{ $title }”.
notification-reply = Someone replied to your comment on “{ $title }”.
notification-results = Results are published: “{ $title }”.
notification-hidden = Your proposal “{ $title }” was hidden by moderation. Reason: { $reasons }.
notification-report = A report awaits moderation about “{ $title }”.

subscription-proposal-start = Follow this proposal
subscription-proposal-stop = Stop following this proposal
subscription-process-link = Notifications for this process
subscription-process-title = Follow a process
subscription-process-on = You follow this process: you hear about its results.
subscription-process-off = You do not follow this process.
subscription-start = Follow this process
subscription-stop = Stop following this process

account-email-frequency = E-mail about my notifications
field-email-frequency = How often
email-frequency-immediate = At once, for each one
email-frequency-daily = Once a day, in one message
email-frequency-weekly = Once a week, in one message
email-frequency-none = Never
error-email-frequency = Please choose one of the frequencies.
notification-phase = “{ $title }”: { $phase } phase, from { $start } to { $end }.
notification-reason-none = none given
