# Atom feeds (written in the town's language) and following a process from the fediverse.
feed-town-title = { $town }: news from the participatory processes
feed-process-title = { $process } · { $town }
feed-town-subtitle = New proposals, official answers, budget results and the progress of funded projects.
feed-proposed = New proposal: { $title }
feed-answered = Official answer ({ $state }): { $title }
feed-results = Results published: { $budget }
feed-results-summary = { $ballots ->
    [0] No ballot counted.
    [one] One ballot counted.
   *[other] { $ballots } ballots counted.
} Funded projects: { $projects }
feed-results-none-funded = none
feed-project-update = { $project }: { $status }, { $progress } %
feed-link = News of this process (Atom feed)
feed-town-link = News of all processes (Atom feed)
feed-link-title = News (Atom)
follow-title = Follow from the fediverse
follow-page-title = Follow “{ $process }” from the fediverse
follow-intro = Follow this process from Mastodon or another fediverse server: its news reaches your timeline there.
follow-handle-label = Address of this process on the fediverse:
follow-copy = Copy the address
follow-copied = Address copied.
follow-field = Your fediverse address, or your server
follow-hint = For example @camille@mastodon.example, or only mastodon.example.
follow-submit = Follow from my server
follow-error-malformed = Please write your address as @name@your.server, or only the name of your server (for example mastodon.example).
follow-error-unreachable = Your server could not be reached. Check its name, or try again in a moment.
