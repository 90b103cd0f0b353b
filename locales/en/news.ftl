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
