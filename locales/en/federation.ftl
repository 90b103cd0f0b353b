# Federation: following processes of other towns, instance policy, the delivery queue.
federation-title = Federation
federation-error = Federation problem: { $reason }
federation-follow-failed = Could not follow { $address }: { $reason }
federation-follow-title = Processes of other towns we follow
federation-address = Address of the process
federation-address-hint = Its address, like { $example }, or the address of its page.
federation-follow-button = Follow
federation-followed-none = This town follows no process of another town yet.
federation-col-state = State
federation-col-actions = Actions
federation-follow-pending = Waiting for the other town to accept
federation-follow-accepted = Followed
federation-follow-rejected = Refused by the other town
federation-unfollow-button = Stop following
federation-rules-title = Who may take part
federation-rules-intro = For each process of this town and each action: everyone with an account, verified residents only, or residents and those of the listed peer towns. Support from elsewhere that does not count is still shown, apart.
federation-rule-legend = Endorsements from other towns
federation-rule-residents = Verified residents only
federation-rule-peers = Verified residents and residents of the peer towns listed below
federation-rule-open = Everyone
federation-peer-hosts = Peer towns (addresses separated by commas, like town-b.example)
federation-followers-count = { $count ->
    [0] No followers elsewhere
    [one] 1 follower elsewhere
   *[other] { $count } followers elsewhere
}
federation-save-button = Save
federation-policy-title = Which servers may federate with this town
federation-mode-legend = Federation mode
federation-mode-open = Open: every server except the blocked ones
federation-mode-allowlist = Allowlist: only the allowed servers
federation-host = Server address
federation-policy = Policy
federation-policy-allow = Allowed
federation-policy-block = Blocked
federation-policy-remove = Remove from the list
federation-host-invalid = Write a server address such as town-b.example.
federation-rule-invalid = Choose one of the rules.
federation-queue-title = Deliveries to other servers
federation-delivery-pending = Waiting or retrying
federation-delivery-delivered = Delivered
federation-delivery-failed = Given up
federation-delivery-refused = Refused by the receiver
federation-delivery-skipped = Not sent (the peer takes another form)
federation-col-activity = Activity
federation-col-inbox = Recipient
federation-col-attempts = Attempts
federation-col-error = Last error
federation-next-attempt = next attempt
federated-endorsements-count = { $count ->
    [one] and 1 endorsement from elsewhere (not counted by this process's rule)
   *[other] and { $count } endorsements from elsewhere (not counted by this process's rule)
}
notice-federation-followed = Follow request sent. The process appears here once its town accepts.
notice-federation-saved = Federation settings saved.
notice-remote-endorsed = Your endorsement was sent to the town that runs this process.
notice-remote-unendorsed = The withdrawal of your endorsement was sent.
notice-remote-commented = Your comment was sent to the town that runs this process.
remote-from = A process of another town:
remote-original-link = See it on its town's site
remote-phases-title = Phases
remote-eligibility-residents = In this process, only residents of its town count; support from here is shown apart.
remote-eligibility-peers = In this process, residents of its town and of its peer towns count.
remote-eligibility-open = In this process, everyone's support counts.
remote-proposals-title = Proposals
remote-proposals-none = No proposals received yet.
remote-binding-count = { $count ->
    [0] No counted endorsements
    [one] 1 counted endorsement
   *[other] { $count } counted endorsements
}
remote-federated-count = { $count ->
    [0] none from elsewhere
    [one] 1 from elsewhere
   *[other] { $count } from elsewhere
}
remote-endorsed-yes = You endorse this proposal.
home-remote-title = Processes of other towns
federation-results-summary = Results of “{ $title }”: { $funded } of { $projects } projects funded ({ $list }), { $ballots } ballots counted. Signed results and the ballot log:
federation-implementation-news = Implementation of “{ $project }”: { $status }, { $progress } done. { $note }
remote-results-title = Published results
remote-results-verified = Signature verified with the process's key
remote-results-unverified = Signature NOT verified: do not rely on these results
remote-results-funded = Funded:
remote-results-link = Full results on its town's site
shares-count = { $count ->
    [0] not shared on the fediverse
    [one] shared once on the fediverse
   *[other] shared { $count } times on the fediverse
}
against-count = { $count ->
    [0] no vote against
    [one] 1 vote against (from the fediverse; not counted)
   *[other] { $count } votes against (from the fediverse; not counted)
}
federation-answer-news = Official answer to “{ $title }”: { $state }. { $answer }
federation-phase-news = “{ $process }”: phase { $phase }, from { $start } to { $end }.

federation-report-title = Report it to its town
federation-report-reason = What is wrong with this proposal
federation-report-hint = Sent to the town that hosts it, as a report from this instance (not from you by name).
federation-report-submit = Send the report
notice-federation-report-forwarded = The report was sent to the proposal’s town.
# Written under a proposal's text in the copy Lemmy shows (it keeps only the text).
federation-lemmy-state = State: { $state }
federation-lemmy-official-answer = Official answer
