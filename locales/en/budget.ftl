# Participatory budgets: ballot, receipt, results, staff comparison.

denied-vote-closed = Voting is closed during the current phase ({ $phase }). { $opens ->
    [never] No later phase opens it.
   *[other] It opens on { $opens } (UTC).
}
denied-vote-not-closed = The results can be published only after the vote has closed.
denied-budget-has-ballots = Projects cannot change once people have voted.
error-not-a-count = Enter a whole number between 0 and 10,000.
error-amount = Enter an amount greater than zero, like 250000 or 1250.50.
error-currency = Enter a three-letter currency code, like EUR.
error-choose-one = Choose one of the options.
error-min-above-max = The minimum is larger than the maximum.
error-slug-taken = Another budget of this process already uses this address.
error-project-code = Enter a short code without ; , or quotes.
error-project-code-taken = Another project of this budget already uses this code.
error-budget-uncountable = This budget cannot be counted: { $why }.

ballot-unknown-project = Your ballot names a project that is not in this budget.
ballot-too-few = Choose at least { $min } project(s).
ballot-too-many = Choose at most { $max } projects.
ballot-empty = Choose at least one project.
ballot-over-budget = Your choices cost { $total }, more than the budget of { $budget }. Remove a project and try again.
ballot-points = Distribute exactly { $points } points (you gave { $given }).
ballot-choose-one = Choose exactly one project.
ballot-sign-in = Sign in to vote.
ballot-already-voted = You have voted. You can change your ballot until the vote closes: the last one counts.
ballot-legend = Your ballot
ballot-hint-approval = Choose the projects you support.
ballot-hint-approval-max = Choose between { $min } and { $max } projects.
ballot-hint-knapsack = Choose projects whose total cost fits the budget.
ballot-hint-cumulative = Distribute { $points } points among the projects.
ballot-hint-choose-1 = Choose one project.
ballot-total = Chosen: { $total } { $currency }
ballot-remaining = left: { $remaining } { $currency }
ballot-over = Over the budget.
ballot-check = Update the total
ballot-cast = Cast my ballot
ballot-change = Replace my ballot
budget-amount = Budget: { $amount } { $currency }
project-cost = { $cost } { $currency }
tallies-title = Votes so far
col-project = Project
col-cost = Cost
col-votes = Votes
col-outcome = Outcome

receipt-title = Your ballot is counted
receipt-counted = Thank you: your ballot is stored.
receipt-explain = Keep this receipt code. It is shown only now. After the vote closes, you can find it in the published ballot log and check that your ballot was counted as cast.
receipt-change = Voting again replaces this ballot and gives you a new receipt.
receipt-check-title = Check your receipt
receipt-label = Receipt code
receipt-check = Check
receipt-found = Receipt { $receipt } is in the ballot log: this ballot was counted.
receipt-not-found = Receipt { $receipt } is not in the ballot log. A replaced ballot's old receipt is no longer there.

results-see = See the results
results-title = Results: { $budget }
results-rule = Rule: { $rule }
results-ballots = Ballots counted: { $count }
results-used = Budget used: { $percent } %
results-represented = Voters with at least one funded project: { $percent } %
results-chart = Votes per project; funded projects in green
results-chart-caption = Each bar is one project's votes; a tick marks a funded project.
results-table = Every project, its votes, and why it was or was not funded
results-downloads = Downloads and verification
download-json = Results (JSON)
download-csv = Results (CSV)
download-pb = Anonymised ballot log (pabulib .pb)
download-pb-digest = SHA-256 of the ballot log:
outcome-funded = Funded
outcome-not-funded = Not funded
reason-costs-more-than-budget = costs more than the whole budget
reason-no-supporters = no votes
reason-did-not-fit = did not fit the remaining budget ({ $remaining })
reason-supporters-could-not-afford = its voters' equal shares could not pay for it
reason-not-in-optimal-set = not in the set with the greatest total utility
rule-greedy = greedy (most votes first)
rule-mes = Method of Equal Shares
rule-mes-add1 = Method of Equal Shares with completion
rule-max-utility = maximum utility

budgets-title = Budgets
compare-title = Compare rules: { $budget }
compare-explain = The same ballots counted with each rule. Publish the outcome of the declared rule.
compare-rule = Rule
compare-funded = Projects funded
compare-used = Budget used
compare-represented = Voters with a funded project
compare-supporters = Supporters of funded projects
compare-declared = declared rule
compare-publish = Publish the outcome
notice-budget-published = The outcome is published.
utility-cost = cost utility
utility-approval = approval utility
budget-compare-link = Compare rules and publish
