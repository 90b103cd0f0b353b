# Staff pages (English). Keep locales/fr/admin.ftl in step.
admin-dashboard-title = Administration
admin-back-dashboard = Back to administration
admin-processes = Processes
admin-no-process = No process yet. Create the first one.
admin-col-process = Process
admin-col-status = Status
admin-col-phases = Phases
admin-status-published = Published
admin-status-draft = Draft, not public
admin-status-hidden = hidden
admin-open-reports = { $count ->
    [0] No report to review
    [one] One report to review
   *[other] { $count } reports to review
}
admin-process-new-title = New process
admin-process-create = Create the process
admin-process-edit-title = Process: { $title }
admin-process-details = Description
admin-field-process-title = Title
admin-field-slug = Short name in the address
admin-field-slug-hint = Lowercase letters, digits and hyphens, e.g. budget-2027. It appears in the page address and in the federation address.
admin-field-description = Description
admin-field-description-hint = What the process is about and how people take part. Markdown is accepted.
admin-field-scope = Area concerned
admin-field-scope-hint = Optional, e.g. "Whole town" or "North district".
admin-field-categories = Categories
admin-field-categories-hint = One per line. Citizens file their proposals under one of them.
admin-publication = Publication
admin-process-is-published = This process is public.
admin-process-is-draft = This process is a draft: only staff can see it.
admin-view-public-page = See its public page
admin-preview = Preview it
admin-publish = Publish the process
admin-unpublish = Take it offline
admin-phases = Phases
admin-dates-hint = Dates and times on the town’s clock ({ $zone }), summer time included. Phases follow one another without overlapping.
admin-phase-number = Phase { $number }
admin-phase-new = Add a phase
admin-phase-add = Add this phase
admin-phase-save = Save this phase
admin-phase-delete = Delete this phase
admin-field-phase-kind = Type of phase
admin-field-starts-at = Start
admin-field-ends-at = End
admin-phase-switches = During this phase, citizens may
admin-switch-proposals = submit new proposals
admin-switch-endorsements = endorse proposals
admin-switch-comments = comment
admin-answer-title = Official answer: { $title }
admin-field-answer-state = Decision
admin-field-answer = Answer to the citizens
admin-field-answer-hint = Explain the decision. It is shown on the proposal page. Markdown is accepted.
admin-answer-publish = Publish the answer
admin-answer-link = Answer officially
admin-reports-title = Reports
admin-no-reports = Nothing to review.
admin-hidden-items = Hidden content
admin-no-hidden = Nothing is hidden.
admin-kind-proposal = Proposal
admin-kind-comment = Comment
admin-hide = Hide
admin-unhide = Show again
admin-dismiss = Dismiss the reports
# The heading of a table of how many rows of a queue (mail, deliveries) stand in each state.
admin-count-state = State
admin-count-number = Number
