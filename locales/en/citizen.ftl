# Pages for citizens (English). Keep locales/fr/citizen.ftl in step.
home-title = Participatory processes
home-intro = Take part in the decisions of your town: read the processes, make proposals, endorse and discuss them.
home-empty = There is no public process yet.
process-draft = Draft (not public)
process-current-phase = Current phase:
process-no-current-phase = No phase is open at the moment.
signup-title = Create an account
signup-submit = Create my account
signup-have-account = Already have an account?
login-title = Sign in
login-submit = Sign in
login-no-account = No account yet?
field-email = E-mail address
field-username = User name
field-username-hint = Public, used in links: lowercase letters, digits, hyphens.
field-display-name = Name shown to others
field-password = Password
password-hint = At least { $min } characters; we recommend { $recommended } or more. Any characters are allowed, including spaces: a short sentence is a good password.
process-phases = Phases
phase-current = current phase
phase-dates = from { $start } to { $end }
proposals-count = { $count ->
    [0] No proposals
    [one] 1 proposal
   *[other] { $count } proposals
}
proposal-new = Make a proposal
proposal-edit = Edit the proposal
proposal-publish = Publish the proposal
proposal-withdraw = Withdraw my proposal
proposal-answer-link = Answer officially
proposals-none = No proposal matches these criteria.
filters-label = Filter the proposals
filter-search = Search
filter-category = Category
filter-all = All
filter-state = State
filter-all-active = All except withdrawn
filter-sort = Order
filter-apply = Apply
sort-random = Random (fair to every proposal)
sort-most_endorsed = Most endorsed
sort-newest = Newest
pagination-label = Pages of proposals
author-deleted = Former participant
hidden-badge = Hidden by moderation
endorsements-count = { $count ->
    [0] No endorsements
    [one] 1 endorsement
   *[other] { $count } endorsements
}
comments-count = { $count ->
    [0] No comments
    [one] 1 comment
   *[other] { $count } comments
}
field-title = Title
field-title-hint = A short sentence that says what you propose (5 to 150 characters).
field-body = Description
field-body-hint = Explain the idea, where, for whom, and why. You can use Markdown: **bold**, *italics*, lists with "-", links.
field-category = Category
field-category-none = No category
history-link = { $count ->
    [one] Version 1
   *[other] Version { $count }: see the history of changes
}
history-title = History of « { $title } »
version-number = Version { $count }
answer-title = Official answer from the town
endorse-title = Endorsements
endorsed-yes = You endorse this proposal.
endorse-button = Endorse this proposal
unendorse-button = Withdraw my endorsement
sign-in-to-endorse = Sign in to endorse this proposal
sign-in-to-comment = Sign in to comment
actions-title = Actions
report-link = Report
comment-hidden = This comment was hidden by moderation.
comment-reply = Reply
comment-reply-label = Your reply
comment-reply-submit = Publish the reply
comment-new = Add a comment
field-comment = Your comment
field-stance = Your position
comment-submit = Publish the comment
report-title = Report content
report-intro = Tell the town's staff why this content breaks the rules. Your report is not public.
field-reason = Reason
reason-spam = Spam or advertising
reason-offensive = Offensive, hateful or harassing
reason-off_topic = Off topic
reason-other = Other reason
field-details = Details (optional)
report-submit = Send the report
account-title = My account
account-profile = Profile
account-language = Language
field-language = Language of the interface
language-browser = The language of my browser
account-data = My data
account-data-intro = Download everything this site stores about you (account, proposals, versions, comments, endorsements, reports) as a JSON file.
account-data-download = Download my data (JSON)
account-tokens = API access
account-tokens-intro = A token lets an application act on your behalf through the public API. Treat it like a password.
field-token-label = Name of the application
account-token-create = Create a token
account-delete = Delete my account
account-delete-intro = Your personal data is erased and your endorsements are withdrawn. Your proposals and comments stay in the public record, without your name. This cannot be undone.
field-password-confirm = Confirm with your password
account-delete-submit = Delete my account for good
proposal-edit-conflict-current = This is the version saved now:
proposal-edit-conflict-again = Your text is kept in the form below. Save it again to replace the version above with it.
